/** Percentiles and number formatting shared by the load generator and the report. */

export interface Summary {
  count: number;
  median: number;
  p99: number;
  mean: number;
  max: number;
}

/** Sorts a copy (typed-array sort is numeric) and reads nearest-rank percentiles. */
export function summarize(values: Float64Array): Summary {
  const count = values.length;
  if (count === 0) return { count: 0, median: Number.NaN, p99: Number.NaN, mean: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: total / count,
    max: sorted[count - 1]!,
  };
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Fixed decimals, or an em dash for "not measured". */
export function fmt(value: number | undefined | null, decimals = 2): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toFixed(decimals);
}

export function fmtInt(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : (bytes / 1024 / 1024).toFixed(1);
}

export function ratio(value: number | undefined, reference: number | undefined): string {
  if (!value || !reference) return '—';
  return `${(value / reference).toFixed(2)}×`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
