/**
 * Exact latency percentiles from every sample kept (a run holds tens of thousands at most, so
 * no histogram's rounding is needed).
 */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** The nearest-rank percentile of ascending samples: the smallest sample at or above p % of them. */
export function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50Ms: nearestRank(sorted, 50),
    p99Ms: nearestRank(sorted, 99),
    p999Ms: nearestRank(sorted, 99.9),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}
