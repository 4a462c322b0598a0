import { relative } from 'node:path';
import { REPO_ROOT } from '../test/lab/lab.js';
import { createVip } from './agent-api.js';
import { HEALTHCHECK_INTERVAL } from './agent-settings.js';
import { printClusterView } from './cluster-view.js';
import type { DemoCluster } from './demo-cluster.js';
import { type EmbeddedEtcd, launchEmbeddedEtcd } from './embedded-etcd.js';
import { freePort } from './free-port.js';
import { buildLabCluster, NAMESPACE_PREFIX } from './lab-cluster.js';
import { openLiveView, printLiveView } from './live-view.js';
import { buildLoopbackCluster } from './loopback-cluster.js';
import type { DemoOptions } from './options.js';
import { ProcessReport } from './process-report.js';
import { RunDir } from './run-dir.js';
import { bold, info, result, step } from './say.js';
import { runStory } from './story.js';
import type { Teardown } from './teardown.js';
import { describeStates, holdersOf, watchUntil } from './vip-watch.js';

export interface DemoContext {
  options: DemoOptions;
  mode: 'lab' | 'dry-run';
  teardown: Teardown;
  /** Aborted once the demo stops: nothing new may start after that. */
  stopping: AbortSignal;
}

/** The demo, in order. Everything it starts is registered with `teardown` as it is created. */
export async function runDemo({ options, mode, teardown, stopping }: DemoContext): Promise<'done' | 'wait'> {
  const processes = new ProcessReport();
  const runDir = new RunDir(REPO_ROOT, NAMESPACE_PREFIX);
  runDir.create();
  teardown.add({ name: 'demo data', run: () => runDir.remove(), runSync: () => runDir.remove() });
  result({
    type: 'mode',
    mode,
    pid: process.pid,
    namespacePrefix: mode === 'lab' ? `${NAMESPACE_PREFIX}${process.pid}x` : null,
    dataDir: runDir.path,
  });

  step('Starting an embedded etcd');
  const etcd = await startEtcd({ runDir, teardown, stopping, processes });
  info(`etcd ${etcd.url} (pid ${etcd.pid}), data in ${relative(REPO_ROOT, etcd.dataDir)}`);
  info(`inspect it with: ETCDCTL_API=3 etcdctl --endpoints=${etcd.url} get --prefix /link`);

  let cluster: DemoCluster;
  if (mode === 'lab') {
    step('Building a namespace lab: 3 hosts (a, b, c) and a client on one bridge');
    cluster = await buildLabCluster({ etcdPort: etcd.clientPort, teardown, stopping, onProgress: info });
  } else {
    step('Dry run: three agents on loopback, nothing bound');
    cluster = await buildLoopbackCluster({
      repoRoot: REPO_ROOT,
      etcdUrl: etcd.url,
      teardown,
      stopping,
      onProcess: (pid) => {
        runDir.recordProcess(pid);
        processes.add([pid]);
      },
    });
  }
  processes.add(cluster.pids());

  step('Starting three LinK agents');
  await Promise.all(cluster.hosts.map((host) => host.startAgent()));
  processes.add(cluster.pids());
  for (const host of cluster.hosts) info(`agent ${host.name}: API ${host.apiUrl}`);

  step(`Creating the VIP ${cluster.vip} through the API of every host`);
  for (const host of cluster.hosts) {
    const endpoint = await createVip(
      host.apiUrl as string,
      cluster.vip,
      host.healthCheck,
      HEALTHCHECK_INTERVAL,
    );
    info(
      `POST ${host.apiUrl}/endpoints -> ${endpoint.id} on ${host.name}, health check TCP ` +
        `${host.healthCheck.host}:${host.healthCheck.port} every ${HEALTHCHECK_INTERVAL} s`,
    );
  }
  const settled = await watchUntil(
    cluster.hosts,
    cluster.vip,
    (s) => holdersOf(s).length === 1 && [...s.values()].filter((v) => v === 'STANDBY').length === 2,
    { timeoutMs: 30_000, what: 'one holder and two standbys' },
  );
  const holder = holdersOf(settled)[0] as string;
  info(`${bold(holder)} holds the VIP (${describeStates(settled)})`);

  const client = await cluster.startClient();
  if (client) {
    await client.answeredBy(holder, 0, 15_000);
    info(`the client probes ${cluster.vip.split('/')[0]}:8080 every 20 ms; ${holder} answers`);
  }
  processes.add(cluster.pids());

  const liveView = await openLiveView(cluster.hosts, options.port);
  teardown.add({ name: 'live view proxy', run: () => liveView.close(), runSync: () => liveView.close() });
  step('Live view');
  await printLiveView(liveView, cluster.hosts);
  await printClusterView(cluster.hosts);
  result({ type: 'ready', liveView: `${liveView.url}/ui`, etcd: etcd.url, vip: cluster.vip, holder });

  if (options.story !== 'none') {
    if (options.story === 'full' && options.exitAfter === 'interrupt') {
      info('the story starts in 5 s: open the live view to watch it');
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    const summaries = await runStory(cluster, client, {
      pace: options.story,
      firstOnly: options.exitAfter === 'first-failover',
    });
    processes.add(cluster.pids());
    step('Story done');
    for (const s of summaries)
      info(
        `${s.step.padEnd(16)} ${s.from} -> ${s.to}  takeover ${String(s.takeoverMs).padStart(5)} ms` +
          (s.outageMs === null ? '' : `  client outage ${String(s.outageMs).padStart(5)} ms`),
      );
    await printClusterView(cluster.hosts);
    result({ type: 'story-done' });
  }
  if (options.exitAfter !== 'interrupt') return 'done';
  step(`Running until Ctrl-C (live view ${liveView.url}/ui)`);
  return 'wait';
}

/** etcd on 12379/12380 when free, other free ports otherwise (also when another run took them meanwhile). */
async function startEtcd({
  runDir,
  teardown,
  stopping,
  processes,
}: {
  runDir: RunDir;
  teardown: Teardown;
  stopping: AbortSignal;
  processes: ProcessReport;
}): Promise<EmbeddedEtcd> {
  const launch = async (clientPort: number, peerPort: number) => {
    stopping.throwIfAborted();
    const etcd = launchEmbeddedEtcd({ dataDir: `${runDir.path}/etcd`, clientPort, peerPort });
    teardown.add({ name: 'etcd', run: () => etcd.stop(), runSync: () => etcd.stopSync() });
    if (etcd.pid !== undefined) {
      runDir.recordProcess(etcd.pid);
      processes.add([etcd.pid]);
    }
    await etcd.ready();
    return etcd;
  };
  try {
    return await launch(await freePort(12379), await freePort(12380));
  } catch (error) {
    if (stopping.aborted || (error as Error).message.includes('not installed')) throw error;
    return launch(await freePort(), await freePort());
  }
}
