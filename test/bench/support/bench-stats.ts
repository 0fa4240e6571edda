/** Statistics and formatting for the benchmarks (medians of interleaved rounds, quantiles, ratios, tables). */

/** Nearest-rank quantile (q in 0..1) of the samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

export function signed(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '-';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function percent(ratio: number, digits = 1): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)}%` : '-';
}

/** A plain-text table; every column but the first is right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The order of the two variants in each round, balanced against drift: A B, B A, A B, ... so that
 * neither variant always runs first (after a cool-down) or second (after the other one's load).
 */
export function interleaved<T>(a: T, b: T, rounds: number): T[][] {
  return Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? [a, b] : [b, a]));
}

/**
 * The order of the variants in each round, rotated by one each round (A B C, B C A, C A B, ...) so
 * that none always runs first (after a cool-down) or last; for two variants the same as interleaved.
 */
export function rotated<T>(variants: readonly T[], rounds: number): T[][] {
  return Array.from({ length: rounds }, (_, i) => {
    const shift = variants.length === 0 ? 0 : i % variants.length;
    return [...variants.slice(shift), ...variants.slice(0, shift)];
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
