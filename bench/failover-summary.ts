import type { FailoverRun, Scenario } from './failover.js';
import { type Summary, summarize } from './stats.js';

/** One tool in one scenario, over its repeats. */
export interface FailoverRow {
  tool: string;
  scenario: Scenario;
  runs: number;
  /** Runs where the client was served again within the limit. */
  recovered: number;
  outage: Summary;
  failedProbes: Summary;
}

export function summarizeFailover(runs: readonly FailoverRun[]): FailoverRow[] {
  const groups = new Map<string, FailoverRun[]>();
  for (const run of runs) {
    const key = `${run.tool}\u0000${run.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as FailoverRun;
    const outages = group.flatMap((run) => (run.outageMs === null ? [] : [run.outageMs]));
    return {
      tool: first.tool,
      scenario: first.scenario,
      runs: group.length,
      recovered: outages.length,
      outage: summarize(outages),
      failedProbes: summarize(group.map((run) => run.failed)),
    };
  });
}
