import type { ProbeSample } from '../test/lab/probe-loop.js';

/** What the client saw from an action (crash, stop, backend kill) until it was served again. */
export interface OutageMeasure {
  /** First failed probe to the first successful one after the last failure; 0 without failures. */
  outageMs: number;
  failed: number;
  probes: number;
  /** Who answered last (the new holder). */
  answeredBy: string | undefined;
}

/** Samples in flight at or started after `since` (epoch ms), up to `until`. */
export function samplesBetween(
  samples: readonly ProbeSample[],
  since: number,
  until = Infinity,
): ProbeSample[] {
  return samples.filter((s) => s.at + s.ms >= since && s.at <= until);
}

/**
 * The outage as one span even if the service flapped: from the first failure after `since` to the
 * success that followed the last failure. Undefined while the client is still failing.
 */
export function outageSince(
  samples: readonly ProbeSample[],
  since: number,
  until = Infinity,
): OutageMeasure | undefined {
  const window = samplesBetween(samples, since, until);
  const failedAt = window.flatMap((s, i) => (s.ok ? [] : [i]));
  const last = window.at(-1);
  if (failedAt.length === 0)
    return { outageMs: 0, failed: 0, probes: window.length, answeredBy: last?.answer };
  const first = window[failedAt[0] as number] as ProbeSample;
  const recovered = window.slice((failedAt.at(-1) as number) + 1).find((s) => s.ok);
  if (!recovered) return undefined;
  return {
    outageMs: recovered.at - first.at,
    failed: failedAt.length,
    probes: window.length,
    answeredBy: last?.answer,
  };
}

/**
 * The client is served again, by another host than `oldHolder`, with nothing but successes for
 * `stableMs` since the last failure (or since `since`).
 */
export function recovered(
  samples: readonly ProbeSample[],
  since: number,
  oldHolder: string,
  stableMs: number,
): boolean {
  const window = samplesBetween(samples, since);
  const lastBad = window.findLastIndex((s) => !s.ok || s.answer === oldHolder);
  const after = window.slice(lastBad + 1);
  if (after.length === 0) return false;
  const first = after[0] as ProbeSample;
  const last = after.at(-1) as ProbeSample;
  return last.at - first.at >= stableMs;
}
