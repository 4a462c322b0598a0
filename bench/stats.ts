/** Order statistics of a set of measurements (nearest-rank percentiles, as the tables show them). */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with `p` % at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0)
    return { n, min: Number.NaN, median: Number.NaN, p95: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const mid = Math.floor(n / 2);
  const median =
    n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    n,
    min: sorted[0] as number,
    median,
    p95: percentile(sorted, 95),
    max: sorted[n - 1] as number,
    mean: sorted.reduce((a, b) => a + b, 0) / n,
  };
}
