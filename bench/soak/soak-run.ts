import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../test/lab/backend.js';
import { type EtcdCluster, startEtcdCluster } from '../../test/lab/etcd-cluster.js';
import { InvariantChecker, type Violation } from '../../test/lab/invariants.js';
import { createLab, type Lab } from '../../test/lab/lab.js';
import { type MultiProbe, startMultiProbe } from '../../test/lab/multi-probe.js';
import { buildLinkd, compiledLab, type LinkdRuntime } from '../linkd-build.js';
import { SoakAgent } from './soak-agent.js';

export type FaultType =
  | 'agent-kill'
  | 'backend-stop'
  | 'etcd-member-restart'
  | 'partition'
  | 'agent-pause'
  | 'partition-compaction'
  | 'clock-step'
  | 'holder-stall';
export const FAULT_TYPES: readonly FaultType[] = [
  'agent-kill',
  'backend-stop',
  'etcd-member-restart',
  'partition',
  'agent-pause',
  'partition-compaction',
  'clock-step',
  'holder-stall',
];
/**
 * Faults after which a host's claim may rightly end early: a partitioned host is cut off from etcd
 * and its clients, as dead to them. After any other fault, an ended claim took VIPs from a live host.
 */
const HOST_GONE: ReadonlySet<FaultType> = new Set(['partition', 'partition-compaction']);

export interface SoakOptions {
  minutes: number;
  vips?: number;
  /** VIPs the client probes (default 12). */
  probed?: number;
  seed?: number;
  /** The fault types to draw from (default: all of FAULT_TYPES). */
  faultTypes?: readonly FaultType[];
  /** Progress lines. */
  log?: (line: string) => void;
  /** Keeps every agent's log there (`a.log`, ...). */
  logDir?: string;
  /** How linkd runs (default `tsx`, from source). A compiled build is a snapshot of src/ taken at the start. */
  runtime?: LinkdRuntime;
}

export interface FaultRecord {
  type: FaultType;
  target: string;
  at: number;
  /** ms from the fault until every VIP had one holder again (after the repair). */
  settleMs: number | undefined;
  /** Sampled VIPs the fault concerned (held by the target, or all for etcd). */
  affected: number;
  /** Outage the client saw on each affected sampled VIP, ms. */
  outagesMs: number[];
  /** Host leases the agents revoked after a confirmed failure, during this fault. */
  claimsEnded: number;
}

export interface OutageStats {
  faults: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SoakReport {
  minutes: number;
  vips: number;
  runtime: LinkdRuntime;
  agents: number;
  etcdMembers: number;
  probed: number;
  seed: number;
  startedAt: string;
  durationS: number;
  faults: FaultRecord[];
  faultsByType: Record<string, number>;
  outages: Record<string, OutageStats>;
  violations: Violation[];
  endpointsLost: number;
  endpointChecks: number;
  invariantSamples: number;
  rssStartMb: Record<string, number>;
  rssEndMb: Record<string, number>;
  agentStarts: Record<string, number>;
  agentErrorLines: Record<string, number>;
  notConverged: number;
  setupMs: number;
  /** Claims ended (leases revoked) by fast failure detection, over all faults. */
  claimsEnded: number;
  /** Of those, during faults that leave the host alive (not a partition): must stay 0. */
  earlyTakeoversOfLiveHost: number;
  /** The machine's 1-minute load average (2 cores, shared), sampled every 10 s. */
  load: { min: number; mean: number; max: number };
}

/** A small deterministic PRNG (mulberry32), so a soak can be replayed with its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** VIP number i (0-based) in 10.78.0.0/22, outside the lab's own /24. */
export function soakVip(i: number): string {
  return `10.78.${Math.floor((i + 1) / 256)}.${(i + 1) % 256}`;
}

const PORT = 8080;
/**
 * Agents' timing in the soak: README defaults for the lease and health interval (5 s), fall 2, the bound
 * check every 10 s, so 300 VIPs on 3 agents leave room on a 2-core machine shared with other work.
 */
const AGENT_ENV = {
  LINK_HEALTH_INTERVAL: '5',
  LINK_HEALTH_TIMEOUT: '1',
  LINK_HEALTH_FALL: '2',
  LINK_HEALTH_RISE: '2',
  LINK_RECONCILE_INTERVAL: '10',
  LINK_STATUS_PUBLISH: 'false',
  LINK_ETCD_TIMEOUT: '2000',
};
/** Detection windows (a VIP may have no reachable holder this long after the fault). */
const DETECTION_MS: Record<FaultType, number> = {
  'agent-kill': 0, // the address stays bound and served by the kernel and the backend
  // fall x interval + probe timeout, then binding up to 300 VIPs (an `ip` call each) and ARP.
  'backend-stop': 2 * 5000 + 1000 + 10_000,
  'etcd-member-restart': 0,
  // lease TTL + etcd's expiry scan, then binding up to 300 VIPs and ARP.
  partition: 6000 + 1000 + 10_000,
  // The paused host's kernel and backend keep serving its VIPs; the others bind them after the TTL.
  'agent-pause': 6000 + 1000 + 10_000,
  'partition-compaction': 6000 + 1000 + 10_000,
  // Nothing may move.
  'clock-step': 0,
  // The kernel keeps answering while the agent stalls 1-2 s: nothing may move.
  'holder-stall': 0,
};

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** etcd's current revision, from `etcdctl endpoint status`. */
async function etcdRevision(etcd: EtcdCluster): Promise<number | undefined> {
  const { stdout } = await etcd.etcdctl(['endpoint', 'status', '-w', 'json']);
  const statuses = JSON.parse(stdout) as { Status?: { header?: { revision?: number } } }[];
  const revisions = statuses.map((s) => Number(s.Status?.header?.revision ?? 0));
  const revision = Math.max(0, ...revisions);
  return revision > 0 ? revision : undefined;
}

/** Creates a VIP through an agent's API, retrying what a loaded agent or etcd refused for a while. */
async function createVip(agent: SoakAgent, vip: string): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await agent
      .api('POST', '/endpoints', {
        plugin: 'arp',
        plugin_config: { ip: `${vip}/32` },
        checks: [{ type: 'TCP', host: '127.0.0.1', port: PORT }],
        healthcheck_interval: 5,
      })
      .catch((error: Error) => ({ status: 0, body: error.message }));
    // 409: an earlier attempt got through after all.
    if (res.status === 201 || res.status === 409) return;
    last = `${res.status} ${JSON.stringify(res.body)}`;
    await sleep(1000);
  }
  throw new Error(`create ${vip} on ${agent.name}: ${last}\n${agent.tail.slice(-5).join('\n')}`);
}

/**
 * The soak: 3 agents (real linkd processes in namespaces), a 3-member etcd cluster, N VIPs with a
 * TCP health check on each host's backend, a client probing a sample of them, and one random fault
 * at a time, each repaired and followed by convergence, while an invariant checker samples the
 * hosts' addresses throughout.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const vipCount = options.vips ?? 300;
  const seed = options.seed ?? Date.now() % 1_000_000;
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const started = Date.now();
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(loadavg()[0] ?? 0), 10_000);
  const vips = Array.from({ length: vipCount }, (_, i) => soakVip(i));
  const probedCount = Math.min(options.probed ?? 12, vipCount);
  const probed = Array.from({ length: probedCount }, (_, i) =>
    soakVip(Math.floor((i * vipCount) / probedCount)),
  );

  let lab: Lab | undefined;
  let probe: MultiProbe | undefined;
  let checker: InvariantChecker | undefined;
  const agents: SoakAgent[] = [];
  try {
    lab = await createLab({ hosts: 3, client: true, prefix: 'lks' });
    const theLab = lab;
    // The VIPs live in 10.78.0.0/22, on-link for the client: it asks ARP for them on eth0.
    await lab.exec('client', 'ip', ['route', 'add', '10.78.0.0/22', 'dev', 'eth0']);
    const etcd: EtcdCluster = await startEtcdCluster(lab, { size: 3 });
    const backends = new Map<string, Backend | undefined>();
    for (const host of lab.hosts) backends.set(host.name, await lab.startBackend(host, { port: PORT }));
    const agentLab = options.runtime === 'compiled' ? compiledLab(lab, await buildLinkd()) : lab;
    // Every agent runs under libfaketime, its wall-clock offset in a file the clock-step fault rewrites.
    const clockDir = mkdtempSync(join(tmpdir(), 'lks-clock-'));
    lab.ownPath(clockDir);
    const clockFile = (host: string) => join(clockDir, host);
    for (const host of lab.hosts) {
      writeFileSync(clockFile(host.name), '+0\n');
      agents.push(
        new SoakAgent(
          agentLab,
          host,
          {
            LINK_ETCD: etcd.endpoints.join(','),
            ...AGENT_ENV,
            LD_PRELOAD: LIBFAKETIME,
            FAKETIME_TIMESTAMP_FILE: clockFile(host.name),
            FAKETIME_NO_CACHE: '1',
            FAKETIME_DONT_FAKE_MONOTONIC: '1',
          },
          options.logDir,
        ),
      );
    }
    await Promise.all(agents.map((agent) => agent.start()));
    log(`lab, etcd cluster and ${agents.length} agents up in ${Date.now() - started} ms`);

    const down = new Set<string>(); // agent not running
    const cut = new Set<string>(); // partitioned
    const sick = new Set<string>(); // backend stopped
    checker = new InvariantChecker(lab, {
      vips,
      everyMs: 250,
      toleranceMs: 1500,
      healthy: () =>
        theLab.hosts.map((h) => h.name).filter((h) => !down.has(h) && !cut.has(h) && !sick.has(h)),
      reachable: () => theLab.hosts.map((h) => h.name).filter((h) => !cut.has(h)),
    });

    // Every agent participates in every VIP: create them through each agent's API.
    const created = Date.now();
    // Each agent starts at its own third of the list, so the first holders spread over the hosts.
    await Promise.all(
      agents.map(async (agent, i) => {
        const offset = Math.floor((i * vips.length) / agents.length);
        for (let k = 0; k < vips.length; k++)
          await createVip(agent, vips[(offset + k) % vips.length] as string);
      }),
    );
    log(`${vips.length} VIPs created on ${agents.length} agents in ${Date.now() - created} ms`);
    checker.start();
    // Creation is not a fault: until everything settles the invariants are not checked.
    const endSetup = checker.fault('setup', 120_000);
    const setupSettle = await checker.converged(120_000);
    endSetup(0);
    checker.detection('setup', 0);
    log(`converged ${setupSettle} ms after creation: ${checker.describe()}`);
    probe = await startMultiProbe(lab, 'client', probed, PORT, 50, 250, { keepMs: 5 * 60_000 });
    await sleep(2000);
    const setupMs = Date.now() - started;

    const rssStartMb: Record<string, number> = {};
    for (const agent of agents) rssStartMb[agent.name] = Math.round((agent.rssKb() ?? 0) / 102.4) / 10;

    let endpointsLost = 0;
    let endpointChecks = 0;
    const checkEndpoints = async () => {
      for (const agent of agents) {
        if (!agent.running) continue;
        endpointChecks += 1;
        const ips = new Set(
          (await agent.endpointIps().catch(() => [] as string[])).map((ip) => ip.split('/')[0]),
        );
        const missing = vips.filter((vip) => !ips.has(vip));
        if (missing.length > 0) {
          endpointsLost += missing.length;
          log(`ENDPOINTS LOST on ${agent.name}: ${missing.length} (${missing.slice(0, 5).join(', ')})`);
        }
      }
    };
    await checkEndpoints();

    const faults: FaultRecord[] = [];
    let notConverged = 0;
    // Counters restart with an agent, so each agent's is followed on its own.
    const claimsSeen = new Map<string, number>();
    const newClaimsEnded = async () => {
      let fresh = 0;
      for (const agent of agents) {
        const now = await agent.counter('link_peer_claims_ended_total');
        const before = claimsSeen.get(agent.name) ?? 0;
        fresh += now >= before ? now - before : now;
        claimsSeen.set(agent.name, now);
      }
      return fresh;
    };
    await newClaimsEnded();
    const deadline = started + options.minutes * 60_000;
    // Faults rotate through the types in a shuffled order, so a short soak still sees each one.
    let bag: FaultType[] = [];
    while (Date.now() < deadline - 25_000) {
      if (bag.length === 0) bag = [...(options.faultTypes ?? FAULT_TYPES)].sort(() => random() - 0.5);
      const type = bag.shift() as FaultType;
      const at = Date.now();
      const holdersAtStart = new Map(checker.current);
      let target: string;
      let end: (settleMs: number) => void;
      if (type === 'etcd-member-restart') {
        const leader = await etcd.leader();
        const member = random() < 0.5 && leader ? leader : pick(etcd.members);
        target = `${member.name}${member === leader ? ' (leader)' : ''}`;
        // A member restart must not move anything: no window for two holders.
        end = () => {};
        await member.kill();
        await sleep(between(2000, 6000));
        member.start();
        await etcd.waitHealthy(30_000).catch(() => log('etcd cluster not healthy 30 s after a restart'));
      } else if (type === 'holder-stall') {
        // The agent holding the most VIPs stops for 1-2 s (a GC pause, a starved process): its
        // kernel still answers the peers' probes, so no claim may end and nothing may move.
        const held = (name: string) => [...holdersAtStart.values()].filter((h) => h[0] === name).length;
        const agent = [...agents].filter((a) => a.running).sort((x, y) => held(y.name) - held(x.name))[0];
        target = agent?.name ?? 'none';
        end = () => {};
        agent?.signal('SIGSTOP');
        await sleep(between(1000, 2000));
        agent?.signal('SIGCONT');
      } else {
        const agent = pick(agents);
        target = agent.name;
        // A clock step must not move anything: no window for two holders.
        end = type === 'clock-step' ? () => {} : checker.fault(`${type} ${target}`, DETECTION_MS[type]);
        if (type === 'agent-kill') {
          down.add(target);
          await agent.kill();
          await sleep(between(1000, 10_000));
          await agent.start().catch((error: Error) => log(`restart of ${target} failed: ${error.message}`));
          down.delete(target);
        } else if (type === 'backend-stop') {
          sick.add(target);
          await backends.get(target)?.stop();
          backends.set(target, undefined);
          await sleep(between(5000, 12_000));
          backends.set(target, await lab.startBackend(target, { port: PORT }));
          sick.delete(target);
        } else if (type === 'agent-pause') {
          // SIGSTOP of the agent and its frame worker for longer than the lease TTL.
          down.add(target);
          agent.pause();
          await sleep(between(7000, 12_000));
          agent.resume();
          down.delete(target);
        } else if (type === 'clock-step') {
          // The wall clock an hour forward or back, and back again later: nothing may move.
          writeFileSync(clockFile(target), random() < 0.5 ? '+3600\n' : '-3600\n');
          await sleep(between(5000, 10_000));
          writeFileSync(clockFile(target), '+0\n');
        } else {
          cut.add(target);
          sick.add(target);
          await lab.partition(target);
          await sleep(between(8000, 15_000));
          if (type === 'partition-compaction') {
            // The others took its VIPs meanwhile: compacting now makes its lock watch resume from a
            // revision etcd no longer has.
            const revision = await etcdRevision(etcd);
            if (revision) await etcd.etcdctl(['compact', String(revision), '--physical']);
            else log('partition-compaction: could not read the etcd revision; not compacted');
          }
          await lab.heal(target);
          cut.delete(target);
          sick.delete(target);
          // After the heal two hosts may hold a VIP until the isolated one hears of its lost lease.
        }
      }
      const settleMs = await checker.converged(60_000).then(
        () => Date.now() - at,
        () => undefined,
      );
      if (settleMs === undefined) {
        notConverged += 1;
        log(`${type} ${target}: not converged 60 s after the repair: ${checker.describe()}`);
      }
      end(1000);
      await sleep(1500);
      const windowEnd = Date.now();
      const affected = probed.filter((vip) =>
        type === 'etcd-member-restart' ? true : (holdersAtStart.get(vip) ?? []).includes(target),
      );
      const outagesMs = affected.map((vip) =>
        (probe as MultiProbe).outages(vip, at, windowEnd).reduce((sum, o) => sum + o.durationMs, 0),
      );
      const claimsEnded = await newClaimsEnded();
      faults.push({ type, target, at, settleMs, affected: affected.length, outagesMs, claimsEnded });
      await checkEndpoints();
      log(
        `fault ${faults.length}: ${type} ${target}: settled ${settleMs ?? '-'} ms, client outage on ${affected.length} sampled VIPs: [${outagesMs.join(', ')}] ms; claims ended ${claimsEnded}; violations so far ${checker.violations.length}`,
      );
      if (claimsEnded > 0 && !HOST_GONE.has(type))
        log(`EARLY TAKEOVER OF A LIVE HOST after ${type} ${target}`);
      await sleep(between(2000, 6000));
    }

    await checker.stop();
    const rssEndMb: Record<string, number> = {};
    for (const agent of agents) rssEndMb[agent.name] = Math.round((agent.rssKb() ?? 0) / 102.4) / 10;
    const faultsByType: Record<string, number> = {};
    const outages: Record<string, OutageStats> = {};
    for (const type of FAULT_TYPES) {
      const ofType = faults.filter((f) => f.type === type);
      const values = ofType.flatMap((f) => f.outagesMs);
      faultsByType[type] = ofType.length;
      outages[type] = {
        faults: ofType.length,
        samples: values.length,
        p50: percentile(values, 50),
        p99: percentile(values, 99),
        max: values.length ? Math.max(...values) : 0,
      };
    }
    return {
      minutes: options.minutes,
      vips: vipCount,
      runtime: options.runtime ?? 'tsx',
      agents: agents.length,
      etcdMembers: etcd.members.length,
      probed: probed.length,
      seed,
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      faults,
      faultsByType,
      outages,
      violations: checker.violations,
      endpointsLost,
      endpointChecks,
      invariantSamples: checker.samples,
      rssStartMb,
      rssEndMb,
      agentStarts: Object.fromEntries(agents.map((a) => [a.name, a.starts])),
      agentErrorLines: Object.fromEntries(agents.map((a) => [a.name, a.errorLines])),
      notConverged,
      setupMs,
      claimsEnded: faults.reduce((n, f) => n + f.claimsEnded, 0),
      earlyTakeoversOfLiveHost: faults
        .filter((f) => !HOST_GONE.has(f.type))
        .reduce((n, f) => n + f.claimsEnded, 0),
      load: {
        min: Math.min(...loads),
        mean: Math.round((loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)) * 10) / 10,
        max: Math.max(...loads),
      },
    };
  } finally {
    clearInterval(loadTimer);
    for (const agent of agents) agent.closeLog();
    await checker?.stop();
    await probe?.stop().catch(() => undefined);
    await lab?.destroy();
  }
}

/** The report as Markdown, for bench/results. */
export function soakMarkdown(report: SoakReport, revision?: string): string {
  const lines = [
    `# Soak: ${report.minutes} minutes, ${report.agents} agents, ${report.vips} VIPs`,
    '',
    `Started ${report.startedAt}, ran ${report.durationS} s (setup ${Math.round(report.setupMs / 1000)} s), seed ${report.seed}${revision ? `, code ${revision}` : ''}.`,
    `${report.agents} linkd agents (${report.runtime === 'compiled' ? 'compiled' : 'from source via tsx'}) in network namespaces, a ${report.etcdMembers}-member etcd cluster in the lab, ` +
      `${report.vips} VIPs with a TCP health check on each host's backend (interval 5 s, fall 2, rise 2), ` +
      `lease TTL 6 s, keepalive 3 s, peer hosts probed every 20 ms (suspect after 100 ms, confirm window 100 ms); a client probes ${report.probed} of the VIPs every 50 ms.`,
    'One fault at a time, repaired, then the soak waits until every VIP has one holder again.',
    '',
    '| | |',
    '|---|---|',
    `| faults injected | ${report.faults.length} (${Object.entries(report.faultsByType)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ')}) |`,
    `| invariant violations | ${report.violations.length} (${report.invariantSamples} samples of every host's addresses) |`,
    `| endpoints lost | ${report.endpointsLost} (${report.endpointChecks} checks of every agent's endpoint list) |`,
    `| faults not converged within 60 s | ${report.notConverged} |`,
    `| claims ended early (fast failure detection) | ${report.claimsEnded} |`,
    `| early takeovers of a live host (claims ended after a fault other than a partition) | ${report.earlyTakeoversOfLiveHost} |`,
    `| machine load (1-min average, 2 cores) | mean ${report.load.mean}, min ${report.load.min}, max ${report.load.max} |`,
    `| agent RSS at start (MB) | ${Object.entries(report.rssStartMb)
      .map(([h, mb]) => `${h} ${mb}`)
      .join(', ')} |`,
    `| agent RSS at end (MB) | ${Object.entries(report.rssEndMb)
      .map(([h, mb]) => `${h} ${mb} (started ${report.agentStarts[h]}x)`)
      .join(', ')} |`,
    `| agent error log lines | ${Object.entries(report.agentErrorLines)
      .map(([h, n]) => `${h} ${n}`)
      .join(', ')} |`,
    '',
    'Client-seen outage per fault type, over the probed VIPs the fault concerned (held by the faulted',
    'host; every probed VIP for an etcd member restart), in ms:',
    '',
    '| fault | injected | VIP samples | p50 | p99 | max | settle p50 / max (s) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [type, stats] of Object.entries(report.outages)) {
    const settles = report.faults
      .filter((f) => f.type === type && f.settleMs !== undefined)
      .map((f) => f.settleMs as number);
    const settle = settles.length
      ? `${(percentile(settles, 50) / 1000).toFixed(1)} / ${(Math.max(...settles) / 1000).toFixed(1)}`
      : '-';
    lines.push(
      `| ${type} | ${stats.faults} | ${stats.samples} | ${stats.p50} | ${stats.p99} | ${stats.max} | ${settle} |`,
    );
  }
  if (report.violations.length > 0) {
    const groups = new Map<string, { n: number; longest: number }>();
    for (const v of report.violations) {
      const key = `${v.kind} | ${v.after ?? ''}`;
      const group = groups.get(key) ?? { n: 0, longest: 0 };
      group.n += 1;
      group.longest = Math.max(group.longest, v.to - v.from);
      groups.set(key, group);
    }
    lines.push(
      '',
      '## Violations by the fault before them',
      '',
      'One violation is one VIP breaking one invariant for longer than 1.5 s outside the windows.',
      '',
      '| invariant | after | violations | longest (ms) |',
      '|---|---|---|---|',
      ...[...groups].map(([key, g]) => `| ${key} | ${g.n} | ${g.longest} |`),
    );
    lines.push(
      '',
      '## Violations (first 50)',
      '',
      '| kind | VIP | from | ms | holders | after |',
      '|---|---|---|---|---|---|',
    );
    for (const v of report.violations.slice(0, 50)) {
      lines.push(
        `| ${v.kind} | ${v.vip} | ${new Date(v.from).toISOString()} | ${v.to - v.from} | ${v.holders.join('+') || 'none'} | ${v.after ?? ''} |`,
      );
    }
  }
  lines.push(
    '',
    '## Faults',
    '',
    '| # | at (s) | fault | target | settle (ms) | outages on affected probed VIPs (ms) | claims ended |',
  );
  lines.push('|---|---|---|---|---|---|---|');
  const t0 = Date.parse(report.startedAt);
  report.faults.forEach((f, i) => {
    lines.push(
      `| ${i + 1} | ${Math.round((f.at - t0) / 1000)} | ${f.type} | ${f.target} | ${f.settleMs ?? 'not converged'} | ${f.outagesMs.join(', ')} | ${f.claimsEnded} |`,
    );
  });
  return `${lines.join('\n')}\n`;
}
