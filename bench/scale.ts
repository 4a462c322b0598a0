import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabAgent } from '../test/lab/agents.js';
import { createLab } from '../test/lab/lab.js';
import { createVipWithRetry } from './create-vip.js';
import { type EtcdRequestCount, etcdRequests, requestRate, writesSettled } from './etcd-requests.js';
import { holderCounts, kernelHolders } from './kernel-holders.js';
import { startLabAgents, startWithRetry } from './lab-agents.js';
import { buildLinkd, compiledLab, type LinkdRuntime } from './linkd-build.js';
import { loadAverage } from './machine.js';
import { mapPool } from './pool.js';
import { MB, procUsage, treeUsage } from './proc-usage.js';
import { sleep, waitFor } from './wait.js';

export interface ScaleOptions {
  vips: number;
  /**
   * `bulk`: one `POST /endpoints/bulk` per agent with every VIP; `api`: one `POST /endpoints` per
   * VIP and agent, `createConcurrency` at a time.
   */
  create?: 'bulk' | 'api';
  /**
   * The agents' `--placement`: with `spread`, each VIP's holder is ranked by rendezvous hashing,
   * and a returning host takes its share back after `--preempt-delay` (30 s), which the reading
   * after its return then waits for.
   */
  placement?: 'preferred' | 'spread';
  runtime: LinkdRuntime;
  log: (line: string) => void;
  /** Idle window for etcd load and CPU (default 15 s: five keepalive periods). */
  idleMs?: number;
  /** Concurrent API creates per agent. */
  createConcurrency?: number;
  convergeTimeoutMs?: number;
  /** Extra LINK_* settings for the agents. */
  env?: Record<string, string>;
  /** Longest wait for the start's etcd writes to drain before the idle window (default 120 s). */
  settleTimeoutMs?: number;
  /** How long after the crashed host's return the placement is read (default 15 s). */
  returnSettleMs?: number;
  /** A directory for each agent's log (`<vips>-<host>.log`), to explain a run. */
  logDir?: string;
}

export interface AgentUsage {
  host: string;
  /** The agent process alone. */
  rssMb: number;
  /** Its frame worker process (and any other child). */
  workerRssMb: number;
  /** The agent and its frame worker. */
  rssTreeMb: number;
  /** CPU seconds from start until every VIP had one holder. */
  convergeCpuSeconds: number;
  idleCpuPercent: number;
}

/** Hostname -> VIPs it has bound (kernel view). */
export type Placement = Record<string, number>;

/** Medians of a few requests to one agent's API with every VIP in place (through the lab forward). */
export interface ScaleApiLatency {
  page100Ms: number;
  fullListMs: number;
  fullListBytes: number;
  summaryMs: number;
  clusterMs: number;
  metricsMs: number;
}

export interface ScaleResult {
  vips: number;
  agents: number;
  create: 'bulk' | 'api';
  /** The agents' `--placement`. */
  placementMode?: 'preferred' | 'spread';
  /** All creates through the API (every VIP on every agent). */
  createMs: number;
  /** Creates answered with a 5xx and retried (the agent could not reach etcd in time). */
  createRetries: number;
  /** From the first create until every VIP had exactly one holder (kernel view). */
  convergeMs: number;
  /**
   * From one holder each until etcd's write rate fell to that of an idle cluster: the status and
   * history records catching up with the kernels (null: not within the timeout).
   */
  settleMs?: number | null;
  agentUsage: AgentUsage[];
  etcdIdle: { perSecond: number; byMethod: Record<string, number> };
  failover: {
    crashed: string;
    /** VIPs the crashed host held. */
    held: number;
    /** From the crash until every one of them was bound on exactly one surviving host. */
    reownMs: number | null;
    /** From the crash until the first of them was: the lease expiry, roughly. */
    firstReownMs: number | null;
    /** etcd requests from the crash until re-owned, and the busiest second. */
    etcdPerSecond: number;
    etcdPeakPerSecond: number;
    etcdRequests: number;
    byMethod: Record<string, number>;
  };
  placement: { afterCreate: Placement; afterCrash: Placement; afterReturn: Placement };
  api: ScaleApiLatency;
  load1: number;
  /** Highest 1-minute load average seen during the run. */
  loadMax: number;
}

export function scaleVips(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.78.${Math.floor(i / 250)}.${(i % 250) + 1}/32`);
}

/**
 * `vips` VIPs, each configured on all 3 agents (real linkd in host namespaces, one etcd): time to
 * one holder per VIP, memory and CPU, etcd load idle and through a host crash, and the time until
 * the crashed host's VIPs are bound elsewhere.
 */
export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const { vips: n, log } = options;
  const lab = await createLab({ hosts: 3, prefix: 'lkb' });
  let agents: LabAgent[] = [];
  let loadSampler: ReturnType<typeof setInterval> | undefined;
  try {
    const etcd = await lab.startEtcd();
    const [etcdUrl] = await etcd.localEndpoints();
    if (!etcdUrl) throw new Error('no local etcd endpoint');
    const agentLab = options.runtime === 'compiled' ? compiledLab(lab, await buildLinkd()) : lab;
    agents = await startLabAgents(agentLab, {
      etcd: etcd.endpoints,
      // The crashed host's agent restores every endpoint before it says it started: 18 s for
      // 10 000 on a quiet machine.
      startTimeoutMs: 20_000 + n * 5,
      env: {
        LINK_MAX_ENDPOINTS: String(Math.max(1000, n)),
        LINK_PLACEMENT: options.placement ?? 'preferred',
        ...options.env,
      },
    });
    const pidOf = (agent: LabAgent) => agent.pid as number;
    const cpuAtStart = agents.map((agent) => procUsage(pidOf(agent))?.cpuSeconds ?? 0);
    const vips = scaleVips(n);
    const load1 = loadAverage();
    let loadMax = load1;
    loadSampler = setInterval(() => {
      loadMax = Math.max(loadMax, loadAverage());
    }, 2000);

    const mode = options.create ?? 'bulk';
    const started = performance.now();
    const retries =
      mode === 'bulk'
        ? await Promise.all(agents.map((agent) => bulkCreate(agent, vips)))
        : await Promise.all(
            agents.map((agent) =>
              mapPool(vips, options.createConcurrency ?? 2, (vip) => createVipWithRetry(agent, vip)),
            ),
          );
    const createMs = performance.now() - started;
    const createRetries = retries.flat().reduce((a, b) => a + b, 0);
    log(
      `scale ${n}: ${n * agents.length} endpoints created (${mode}) in ${createMs.toFixed(0)} ms (${createRetries} retried)`,
    );
    let last = { single: 0, multiple: 0, none: n };
    await waitFor(
      async () => {
        last = holderCounts(await kernelHolders(lab, vips));
        return last.single === n;
      },
      options.convergeTimeoutMs ?? 300_000,
      // Read at the timeout: the counts of the last poll, not those before the first.
      () => `every VIP to have exactly one holder (last: ${JSON.stringify(last)})`,
      250,
    );
    const convergeMs = performance.now() - started;
    const cpuAtConverge = agents.map((agent) => procUsage(pidOf(agent))?.cpuSeconds ?? 0);
    log(`scale ${n}: one holder per VIP ${convergeMs.toFixed(0)} ms after the first create`);
    if (options.placement === 'spread') {
      // Hosts that outrank a VIP's holder take it back once healthy for --preempt-delay (30 s):
      // the placement, the idle window and the crash come after those handovers.
      await sleep(35_000);
      const handedOverMs = await writesSettled(etcdUrl, options.settleTimeoutMs ?? 120_000);
      log(
        `scale ${n}: spread placement's handovers settled ${handedOverMs ?? 'not'} ms after the preempt delay`,
      );
    }
    const afterCreate = placementOf(await kernelHolders(lab, vips));
    log(`scale ${n}: placement after the create ${JSON.stringify(afterCreate)}`);

    // Idle starts once the status and history writes of the start have drained: measured
    // apart, as the time the records in etcd lag the kernels.
    const settleMs = await writesSettled(etcdUrl, options.settleTimeoutMs ?? 120_000);
    log(`scale ${n}: etcd writes settled ${settleMs ?? 'not'} ms after one holder each`);
    const idleMs = options.idleMs ?? 15_000;
    const idleBefore = await etcdRequests(etcdUrl);
    const cpuBefore = agents.map((agent) => procUsage(pidOf(agent))?.cpuSeconds ?? 0);
    await sleep(idleMs);
    const idleAfter = await etcdRequests(etcdUrl);
    const agentUsage = agents.map((agent, i): AgentUsage => {
      const own = procUsage(pidOf(agent));
      const tree = treeUsage(pidOf(agent));
      return {
        host: agent.hostname,
        rssMb: round((own?.rssBytes ?? 0) / MB, 1),
        workerRssMb: round(((tree?.rssBytes ?? 0) - (own?.rssBytes ?? 0)) / MB, 1),
        rssTreeMb: round((tree?.rssBytes ?? 0) / MB, 1),
        convergeCpuSeconds: round((cpuAtConverge[i] ?? 0) - (cpuAtStart[i] ?? 0), 2),
        idleCpuPercent: round((((own?.cpuSeconds ?? 0) - (cpuBefore[i] ?? 0)) / (idleMs / 1000)) * 100, 2),
      };
    });
    const etcdIdle = requestRate(idleBefore, idleAfter, idleMs / 1000);
    log(`scale ${n}: idle etcd ${etcdIdle.perSecond}/s ${JSON.stringify(etcdIdle.byMethod)}`);

    log(`scale ${n}: RSS ${JSON.stringify(agentUsage.map((a) => [a.host, a.rssMb, a.workerRssMb]))}`);
    const api = await apiLatency((agents[0] as LabAgent).forward?.url ?? '');
    log(`scale ${n}: API ${JSON.stringify(api)}`);

    const failover = await crashBusiest(lab, agents, vips, etcdUrl);
    log(
      `scale ${n}: ${failover.crashed} crashed holding ${failover.held}; first re-owned after ${failover.firstReownMs ?? 'n/a'} ms, all in ${failover.reownMs ?? 'n/a'} ms, etcd ${failover.etcdPerSecond}/s (peak ${failover.etcdPeakPerSecond}/s)`,
    );
    // The crashed host's kernel keeps its addresses (its agent is dead): the survivors' view.
    const afterCrash = placementOf(
      await kernelHolders(
        lab,
        vips,
        lab.hosts.filter((host) => host.name !== failover.crashed),
      ),
    );
    log(`scale ${n}: placement after the crash ${JSON.stringify(afterCrash)}`);

    // The crashed host returns: its agent restores its endpoints from etcd and takes part again.
    const victim = agents.find((agent) => agent.hostname === failover.crashed) as LabAgent;
    await lab.hostUp(victim.node);
    await startWithRetry(victim);
    await waitFor(
      async () => (await victim.api<{ total: number }>('GET', '/endpoints/summary')).body.total === n,
      120_000,
      `${victim.hostname} to restore its ${n} endpoints`,
      500,
    );
    // With spread placement, past the returning host's preempt delay (30 s) and its handovers.
    await sleep(options.returnSettleMs ?? (options.placement === 'spread' ? 60_000 : 15_000));
    const afterReturn = placementOf(await kernelHolders(lab, vips));
    log(`scale ${n}: placement after ${victim.hostname} returned ${JSON.stringify(afterReturn)}`);
    return {
      vips: n,
      agents: agents.length,
      create: mode,
      placementMode: options.placement ?? 'preferred',
      createMs: Math.round(createMs),
      createRetries,
      convergeMs: Math.round(convergeMs),
      settleMs,
      agentUsage,
      etcdIdle,
      failover,
      placement: { afterCreate, afterCrash, afterReturn },
      api,
      load1,
      loadMax: Math.max(loadMax, loadAverage()),
    };
  } catch (error) {
    for (const agent of agents) {
      const trouble = agent.logs.filter((line) => Number(line.level) >= 40).slice(-5);
      for (const line of trouble) log(`  ${agent.hostname}: ${JSON.stringify(line).slice(0, 400)}`);
    }
    throw error;
  } finally {
    clearInterval(loadSampler);
    await Promise.all(agents.map((agent) => agent.kill().catch(() => undefined)));
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      for (const agent of agents) {
        const lines = agent.logs.map((line) => JSON.stringify(line)).join('\n');
        writeFileSync(join(options.logDir, `${n}-${agent.hostname}.log`), `${lines}\n`);
      }
    }
    await lab.destroy();
  }
}

async function crashBusiest(
  lab: Awaited<ReturnType<typeof createLab>>,
  agents: LabAgent[],
  vips: string[],
  etcdUrl: string,
): Promise<ScaleResult['failover']> {
  const holders = await kernelHolders(lab, vips);
  const heldBy = (name: string) => [...holders].filter(([, hosts]) => hosts[0] === name).map(([vip]) => vip);
  const victim = [...agents].sort(
    (a, b) => heldBy(b.hostname).length - heldBy(a.hostname).length,
  )[0] as LabAgent;
  const held = heldBy(victim.hostname);
  const survivors = lab.hosts.filter((host) => host.name !== victim.hostname);

  const samples: { at: number; count: EtcdRequestCount }[] = [];
  const scrape = async () => samples.push({ at: performance.now(), count: await etcdRequests(etcdUrl) });
  await scrape();
  const started = performance.now();
  await lab.hostDown(victim.node);
  await victim.kill();
  let reownMs: number | null = null;
  let firstReownMs: number | null = null;
  let nextScrape = started + 1000;
  const deadline = started + 60_000;
  while (performance.now() < deadline) {
    const after = await kernelHolders(lab, held, survivors);
    if (firstReownMs === null && [...after.values()].some((hosts) => hosts.length > 0))
      firstReownMs = Math.round(performance.now() - started);
    if ([...after.values()].every((hosts) => hosts.length === 1)) {
      reownMs = Math.round(performance.now() - started);
      break;
    }
    if (performance.now() >= nextScrape) {
      await scrape();
      nextScrape += 1000;
    }
    await sleep(50);
  }
  await scrape();
  const first = samples[0] as { at: number; count: EtcdRequestCount };
  const lastSample = samples.at(-1) as { at: number; count: EtcdRequestCount };
  const seconds = (lastSample.at - first.at) / 1000;
  let peak = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as { at: number; count: EtcdRequestCount };
    const b = samples[i] as { at: number; count: EtcdRequestCount };
    peak = Math.max(peak, (b.count.total - a.count.total) / Math.max(0.001, (b.at - a.at) / 1000));
  }
  const rate = requestRate(first.count, lastSample.count, seconds);
  return {
    crashed: victim.hostname,
    held: held.length,
    reownMs,
    firstReownMs,
    etcdPerSecond: rate.perSecond,
    etcdPeakPerSecond: round(peak, 1),
    etcdRequests: lastSample.count.total - first.count.total,
    byMethod: rate.byMethod,
  };
}

/** Every VIP to one agent in one request; resolves 0 retries (the figure `api` creates report). */
async function bulkCreate(agent: LabAgent, vips: readonly string[]): Promise<number> {
  const res = await agent.api<{ created?: unknown[] }>('POST', '/endpoints/bulk', {
    create: vips.map((ip) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] })),
  });
  if (res.status !== 200 || res.body.created?.length !== vips.length)
    throw new Error(
      `bulk create on ${agent.hostname}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`,
    );
  return 0;
}

export function placementOf(holders: Map<string, string[]>): Placement {
  const out: Placement = {};
  for (const hosts of holders.values()) {
    const key = hosts.length === 0 ? '(none)' : hosts.length > 1 ? '(several)' : (hosts[0] as string);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Medians of the API's reads at scale, against the agent at `baseUrl`. */
export async function apiLatency(baseUrl: string): Promise<ScaleApiLatency> {
  const time = async (path: string, times: number) => {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      const res = await fetch(`${baseUrl}${path}`);
      const text = await res.text();
      samples.push(performance.now() - started);
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      bytes = text.length;
    }
    return { ms: round(median(samples), 1), bytes };
  };
  const full = await time('/endpoints', 5);
  return {
    page100Ms: (await time('/endpoints?limit=100', 20)).ms,
    fullListMs: full.ms,
    fullListBytes: full.bytes,
    summaryMs: (await time('/endpoints/summary', 10)).ms,
    clusterMs: (await time('/cluster', 5)).ms,
    metricsMs: (await time('/metrics', 5)).ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
