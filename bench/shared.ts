// Names, sizes and small statistics shared by the bench's processes.

export const newHostName = (k: number) => `n${k}.localhost`;
export const KNOWN_HOST = 'known.localhost';
export const JSON_BYTES = 1024;
export const BIG_BYTES = 100 * 1024;
export const BUCKET = 'benchbucket';
export const TOKEN = 'bench-token';
/** In a few of the store phase's response bodies (one in 2,000), for its body queries. */
export const RARE_WORD = 'zanzibar';

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile of `sorted` (ascending). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latencies in ms → summary (sorts in place). */
export function summarize(latencies: Float64Array | number[]): LatencySummary {
  const sorted = latencies instanceof Float64Array ? latencies.sort() : latencies.sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}
