import type { ApiLatencyResult } from './api-latency.js';
import type { FailoverResult } from './failover.js';
import type { FailoverRow } from './failover-summary.js';
import type { MachineInfo } from './machine.js';
import type { ScaleResult } from './scale.js';

/** Everything one `npm run bench` measured, as written to results/latest.json. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  /** 1-minute load average at the start and end of the run, and the highest seen during it. */
  load: { start: number; end: number; max: number };
  runtime: string;
  failover?: FailoverResult & { rows: FailoverRow[] };
  scale?: ScaleResult[];
  api?: ApiLatencyResult;
  /** Suites that failed, with why: the results of the others still stand. */
  errors: { suite: string; message: string }[];
}

/** The lease settings the goals are stated against (LinK's defaults, used by the bench). */
export const LEASE_TTL_MS = 6000;
/** Health detection with interval 1 s and fall 2. */
export const HEALTH_DETECTION_MS = 2000;

export interface GoalCheck {
  goal: string;
  target: string;
  measured: string;
  met: boolean | undefined;
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms`;

/** The goals against the numbers (reported, never asserted). */
export function checkGoals(results: BenchResults): GoalCheck[] {
  const checks: GoalCheck[] = [];
  const row = (scenario: string) =>
    results.failover?.rows.find((r) => r.tool === 'LinK' && r.scenario === scenario);
  const allRecovered = (r: FailoverRow | undefined) => r !== undefined && r.recovered === r.runs;
  const graceful = row('graceful');
  if (graceful)
    checks.push({
      goal: 'graceful handover: median client outage',
      target: '≤ 100 ms',
      measured: ms(graceful.outage.median),
      met: allRecovered(graceful) && graceful.outage.median <= 100,
    });
  const crash = row('crash');
  if (crash)
    checks.push({
      goal: 'host crash: client outage (max)',
      target: `≤ TTL + 0.5 s = ${LEASE_TTL_MS + 500} ms`,
      measured: `${ms(crash.outage.max)} (median ${ms(crash.outage.median)})`,
      met: allRecovered(crash) && crash.outage.max <= LEASE_TTL_MS + 500,
    });
  const backend = row('backend');
  if (backend)
    checks.push({
      goal: 'backend failure: client outage (max)',
      target: `≤ detection (2 × 1 s) + 100 ms = ${HEALTH_DETECTION_MS + 100} ms`,
      measured: `${ms(backend.outage.max)} (median ${ms(backend.outage.median)})`,
      met: allRecovered(backend) && backend.outage.max <= HEALTH_DETECTION_MS + 100,
    });
  const scale = results.scale ?? [];
  if (scale.length > 1) {
    const rates = scale.map((s) => s.etcdIdle.perSecond);
    const spread = Math.max(...rates) - Math.min(...rates);
    checks.push({
      goal: 'idle etcd load independent of the number of VIPs',
      target: 'same requests/s for every N',
      measured: scale.map((s) => `${s.vips}: ${s.etcdIdle.perSecond}/s`).join(', '),
      // Keepalives are 1 per agent per 3 s; a window catches ±1 of them per agent.
      met: spread <= 0.5,
    });
  }
  const biggest = scale.at(-1);
  if (biggest) {
    const rss = Math.max(...biggest.agentUsage.map((a) => a.rssMb));
    const idleCpu = Math.max(...biggest.agentUsage.map((a) => a.idleCpuPercent));
    const big = biggest.vips >= 10_000;
    checks.push({
      goal: `agent RSS with ${biggest.vips} VIPs (frame worker apart)`,
      target: '≤ 250 MB at 10 000 VIPs',
      measured: `${rss} MB (max of 3 agents)`,
      met: big ? rss <= 250 : undefined,
    });
    checks.push({
      goal: `idle CPU per agent with ${biggest.vips} VIPs`,
      target: '≤ 5 % of a core',
      measured: `${idleCpu} %`,
      met: idleCpu <= 5,
    });
    if (biggest.create === 'bulk')
      checks.push({
        goal: `bulk create of ${biggest.vips} VIPs to one holder each`,
        target: '≤ 30 s at 10 000 VIPs',
        measured: ms(biggest.convergeMs),
        met: big ? biggest.convergeMs <= 30_000 : undefined,
      });
    checks.push({
      goal: `after a host crash, every VIP re-owned (${biggest.failover.held} of ${biggest.vips} VIPs)`,
      target: `≤ TTL + 1 s = ${LEASE_TTL_MS + 1000} ms`,
      measured: ms(biggest.failover.reownMs ?? undefined),
      met: biggest.failover.reownMs !== null && biggest.failover.reownMs <= LEASE_TTL_MS + 1000,
    });
    if (biggest.api) {
      checks.push({
        goal: `GET /endpoints?limit=100 with ${biggest.vips} endpoints`,
        target: '≤ 20 ms',
        measured: ms(biggest.api.page100Ms),
        met: biggest.api.page100Ms <= 20,
      });
      checks.push({
        goal: `GET /endpoints, all ${biggest.vips}`,
        target: '≤ 300 ms',
        measured: ms(biggest.api.fullListMs),
        met: biggest.api.fullListMs <= 300,
      });
    }
  }
  return checks;
}
