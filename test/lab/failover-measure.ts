import type { ProbeLoop, ProbeSample } from './probe-loop.js';
import { outagesOf } from './probe-loop.js';

/** One failover as a client probing the VIP saw it. */
export interface FailoverMeasure {
  /** Host that answered before the fault. */
  from: string;
  /** First other host that answered after it. */
  to: string;
  /** Fault injected -> the first probe answered by `to` completed. */
  failoverMs: number;
  /** Longest run of failed probes after the fault (0 when no probe failed). */
  outageMs: number;
  /** Failed probes after the fault. */
  failedProbes: number;
}

/**
 * Waits until a probe started after `since` is answered by a host other than `from`, and measures
 * the failover from the client's side: time to that answer, and the longest outage on the way.
 */
export async function measureFailover(
  loop: ProbeLoop,
  since: number,
  from: string,
  timeoutMs: number,
): Promise<FailoverMeasure> {
  const moved = (s: ProbeSample) => s.ok && s.at >= since && s.answer !== undefined && s.answer !== from;
  const first = await loop.waitFor(moved, timeoutMs);
  return measureUntil(loop.samples, since, from, first);
}

export function measureUntil(
  samples: readonly ProbeSample[],
  since: number,
  from: string,
  first: ProbeSample,
): FailoverMeasure {
  const window = samples.filter((s) => s.at >= since && s.at <= first.at);
  const outages = outagesOf(window);
  return {
    from,
    to: first.answer as string,
    failoverMs: first.at + first.ms - since,
    outageMs: Math.max(0, ...outages.map((o) => o.durationMs)),
    failedProbes: window.filter((s) => !s.ok).length,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
