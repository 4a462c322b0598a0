import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { onProcessExit } from '../test/lab/cleanup.js';
import { LineCollector } from '../test/lab/line-collector.js';
import { exited } from '../test/lab/processes.js';
import { freePort, startEtcd } from '../test/support/etcd-server.js';
import { type LinkdRuntime, linkdCommand } from './linkd-build.js';
import { MB, procUsage } from './proc-usage.js';
import { scaleVips } from './scale.js';
import { type Summary, summarize } from './stats.js';

export interface ApiLatencyOptions {
  endpoints: number;
  /** GET /endpoints repeats once all endpoints exist. */
  lists?: number;
  runtime: LinkdRuntime;
  log: (line: string) => void;
}

export interface ApiLatencyResult {
  endpoints: number;
  create: Summary;
  /** GET /endpoints with every endpoint in place. */
  list: Summary;
  /** GET /endpoints/:id with every endpoint in place. */
  get: Summary;
  listBytes: number;
  /** The agent's resident memory with every endpoint in place, and its CPU time for all of it. */
  rssMb: number;
  cpuSeconds: number;
}

/**
 * API latency as one client sees it: a dry-run linkd (real election against a loopback etcd, no
 * network changes) takes `endpoints` creates one after another, then answers lists of them all.
 */
export async function runApiLatency(options: ApiLatencyOptions): Promise<ApiLatencyResult> {
  const etcd = await startEtcd();
  let agent: ChildProcessWithoutNullStreams | undefined;
  let unhook: (() => void) | undefined;
  try {
    const port = await freePort();
    agent = spawn(process.execPath, await linkdCommand(options.runtime), {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LINK_ETCD: etcd.url,
        LINK_INTERFACE: 'lo',
        LINK_HOSTNAME: `api-bench-${process.pid}`,
        LINK_LISTEN: `127.0.0.1:${port}`,
        LINK_DRY_RUN: 'true',
        LINK_MAX_ENDPOINTS: String(Math.max(1000, options.endpoints)),
      },
    });
    agent.stderr.resume();
    const running = agent;
    unhook = onProcessExit(() => running.kill('SIGKILL'));
    await new LineCollector(agent.stdout).waitFor(
      (line) => line.includes('"linkd started"'),
      60_000,
      'linkd started',
    );
    const base = `http://127.0.0.1:${port}`;

    const create: number[] = [];
    const ids: string[] = [];
    for (const ip of scaleVips(options.endpoints)) {
      const started = performance.now();
      const res = await fetch(`${base}/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ plugin: 'arp', plugin_config: { ip }, checks: [] }),
      });
      const body = (await res.json()) as { endpoint?: { id: string } };
      create.push(performance.now() - started);
      if (res.status !== 201 || !body.endpoint) throw new Error(`create ${ip}: HTTP ${res.status}`);
      ids.push(body.endpoint.id);
    }
    options.log(`api: ${ids.length} creates, median ${summarize(create).median.toFixed(1)} ms`);

    const list: number[] = [];
    const get: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < (options.lists ?? 20); i++) {
      let started = performance.now();
      const res = await fetch(`${base}/endpoints`);
      const text = await res.text();
      list.push(performance.now() - started);
      listBytes = text.length;
      const count = (JSON.parse(text) as { endpoints: unknown[] }).endpoints.length;
      if (count !== ids.length) throw new Error(`list answered ${count} endpoints, expected ${ids.length}`);
      started = performance.now();
      const one = await fetch(`${base}/endpoints/${ids[i % ids.length]}`);
      await one.text();
      get.push(performance.now() - started);
    }
    const usage = agent.pid === undefined ? undefined : procUsage(agent.pid);
    const rssMb = Math.round(((usage?.rssBytes ?? 0) / MB) * 10) / 10;
    options.log(
      `api: list of ${ids.length}, median ${summarize(list).median.toFixed(1)} ms, ${listBytes} bytes; agent RSS ${rssMb} MB`,
    );
    return {
      endpoints: ids.length,
      create: summarize(create),
      list: summarize(list),
      get: summarize(get),
      listBytes,
      rssMb,
      cpuSeconds: Math.round((usage?.cpuSeconds ?? 0) * 100) / 100,
    };
  } finally {
    unhook?.();
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      const done = exited(agent);
      agent.kill('SIGKILL');
      await done;
    }
    await etcd.destroy();
  }
}
