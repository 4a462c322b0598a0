/**
 * The live view's first paint with many endpoints, against a real agent (linkd, dry run, on
 * loopback) and a real etcd: `tsx bench/ui-first-paint.ts [--endpoints 10000] [--peers 2] [--runs 3]`.
 * Two other hosts' statuses are written to etcd as their agents would publish them, so the cluster
 * section reads as much as it would in a 3-host cluster. Prints the server's answer times for what
 * the page fetches and the time until Chromium shows the first page of cards and the counts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Etcd3 } from 'etcd3';
import { Hono } from 'hono';
import { createUiRoutes } from '../src/api/ui/ui.routes.js';
import { electionKeyOf } from '../src/model/endpoint.js';
import { keys } from '../src/model/keys.js';
import { UiFakeAgent } from '../test/fakes/ui-fake-agent.js';
import { hasChromium, launchChromium } from '../test/support/chromium.js';
import { startEtcd } from '../test/support/etcd-server.js';
import { LoopbackAgent } from '../test/support/loopback-agent.js';
import { loadAverage } from './machine.js';
import { scaleVips } from './scale.js';
import { waitFor } from './wait.js';

export interface FirstPaint {
  endpoints: number;
  /** Median ms of each route the page reads at start, asked alone. */
  serverMs: Record<string, number>;
  /** Per run: page open until 50 cards are drawn, and until the summary shows every endpoint. */
  cardsMs: number[];
  summaryMs: number[];
  clusterMs: number[];
  load1: number;
}

export async function measureFirstPaint(options: {
  endpoints: number;
  peers: number;
  runs: number;
  /** `real`: linkd and etcd; `fake`: the routes over a fake agent in this process. */
  agent?: 'real' | 'fake';
  /** Trace the first run and print where the page's main thread spent its time. */
  trace?: boolean;
  log: (line: string) => void;
}): Promise<FirstPaint> {
  if (!hasChromium) throw new Error('no Chromium at /usr/bin/chromium');
  const { endpoints: n, log } = options;
  const browser = await launchChromium();
  const target =
    options.agent === 'fake' ? await fakeAgent(n, options.peers) : await realAgent(n, options.peers, log);
  try {
    const serverMs: Record<string, number> = {};
    for (const path of ['/ui', '/ui/state?limit=50', '/ui/cluster?limit=50', '/history?limit=30']) {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await fetch(`${target.url}${path}`);
        await res.text();
        samples.push(performance.now() - t);
      }
      serverMs[path] = Math.round(median(samples));
    }
    log(`server: ${JSON.stringify(serverMs)}`);

    const result: FirstPaint = {
      endpoints: n,
      serverMs,
      cardsMs: [],
      summaryMs: [],
      clusterMs: [],
      load1: loadAverage(),
    };
    for (let run = 0; run < options.runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      if (options.trace && run === 0)
        await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute'] });
      page.on('pageerror', (error) => log(`page error: ${error.message}`));
      await page.addInitScript({ path: join(import.meta.dirname, 'first-paint-probe.js') });
      await page.goto(`${target.url}/ui`);
      const marks = await page
        .waitForFunction(
          () => {
            const m = (window as unknown as { __firstPaint: Record<string, number> }).__firstPaint;
            return m.cards !== undefined && m.summary !== undefined && m.cluster !== undefined && m;
          },
          null,
          { timeout: 60_000, polling: 100 },
        )
        .then((handle) => handle.jsonValue() as Promise<Record<string, number>>);
      result.cardsMs.push(Math.round(marks.cards ?? Number.NaN));
      result.summaryMs.push(Math.round(marks.summary ?? Number.NaN));
      result.clusterMs.push(Math.round(marks.cluster ?? Number.NaN));
      const timings = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => {
            const r = e as PerformanceResourceTiming;
            return `${new URL(r.name).pathname.split('/').pop()} ${Math.round(r.startTime)}+${Math.round(r.duration)}`;
          })
          .join(', '),
      );
      if (options.trace && run === 0) log(`main thread: ${mainThreadTime(await browser.stopTracing())}`);
      log(
        `run ${run + 1}: cards ${result.cardsMs.at(-1)} ms, summary ${result.summaryMs.at(-1)} ms, cluster ${result.clusterMs.at(-1)} ms; ${timings}`,
      );
      await page.close();
    }
    return result;
  } finally {
    await browser.close();
    await target.stop();
  }
}

interface Target {
  url: string;
  stop(): Promise<void>;
}

/** linkd (dry run) on loopback with a real etcd, every endpoint held, peers' statuses in etcd. */
async function realAgent(n: number, peers: number, log: (line: string) => void): Promise<Target> {
  const etcd = await startEtcd();
  const agent = new LoopbackAgent('node-a', { LINK_MAX_ENDPOINTS: String(Math.max(1000, n)) });
  const stop = async () => {
    await agent.kill();
    await etcd.destroy();
  };
  try {
    await agent.start(etcd.url);
    const vips = scaleVips(n);
    const started = performance.now();
    // One request for every endpoint: longer than the helper's 15 s on a loaded machine.
    const created = await fetch(`${agent.url}/endpoints/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        create: vips.map((ip) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] })),
      }),
      signal: AbortSignal.timeout(300_000),
    });
    if (created.status !== 200) throw new Error(`bulk create: ${created.status} ${await created.text()}`);
    await waitFor(
      async () => {
        const summary = await agent.api<{ by_state: Record<string, number> }>('GET', '/endpoints/summary');
        return summary.body.by_state.ACTIVATED === n;
      },
      600_000,
      `${n} endpoints ACTIVATED`,
      1000,
    );
    log(`${n} endpoints held after ${Math.round(performance.now() - started)} ms`);
    await seedPeerStatuses(etcd.url, vips, peers);
    return { url: agent.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The live view's routes in this process over a fake agent: the browser's share of the time alone. */
async function fakeAgent(n: number, peers: number): Promise<Target> {
  const agent = new UiFakeAgent('node-a');
  for (const ip of scaleVips(n)) agent.add(ip, { status: 'ACTIVATED', holder: 'node-a' });
  agent.peers = [...agent.endpoints.values()].flatMap((view) =>
    Array.from({ length: peers }, (_, p) => ({
      hostname: `node-${String.fromCharCode(98 + p)}`,
      electionKey: view.election_key,
      status: 'STANDBY' as const,
      holder: 'node-a',
      updatedAt: Date.now(),
    })),
  );
  const app = new Hono().route('/ui', createUiRoutes({ agent }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Other hosts' statuses per VIP, as their agents publish them (standby, this host holding). */
async function seedPeerStatuses(etcdUrl: string, vips: string[], peers: number): Promise<void> {
  const client = new Etcd3({ hosts: etcdUrl });
  try {
    for (let p = 0; p < peers; p++) {
      const hostname = `node-${String.fromCharCode(98 + p)}`;
      for (let i = 0; i < vips.length; i += 100) {
        const batch = vips.slice(i, i + 100);
        await Promise.all(
          batch.map((ip) =>
            client.put(keys.status(electionKeyOf(ip), hostname)).value(
              JSON.stringify({
                hostname,
                electionKey: electionKeyOf(ip),
                status: 'STANDBY',
                holder: 'node-a',
                updatedAt: Date.now(),
              }),
            ),
          ),
        );
      }
    }
  } finally {
    client.close();
  }
}

/** Top-level main-thread tasks of a Chromium trace, summed by name. */
function mainThreadTime(trace: Buffer): string {
  const { traceEvents } = JSON.parse(trace.toString()) as {
    traceEvents: { name: string; ph: string; dur?: number; tid: number; cat: string }[];
  };
  const byName = new Map<string, number>();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || e.dur === undefined || !e.cat.includes('devtools.timeline')) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, ms]) => `${name} ${Math.round(ms)} ms`)
    .join(', ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: '10000' },
      peers: { type: 'string', default: '2' },
      runs: { type: 'string', default: '3' },
      trace: { type: 'boolean', default: false },
      agent: { type: 'string', default: 'real' },
    },
  });
  const result = await measureFirstPaint({
    endpoints: Number(values.endpoints),
    peers: Number(values.peers),
    runs: Number(values.runs),
    trace: values.trace,
    agent: values.agent === 'fake' ? 'fake' : 'real',
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result));
}
