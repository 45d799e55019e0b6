// Small statistics for repeated measurements: medians with their spread, and fixed-width number text.
// Medians, not means: on this 2-vCPU nested host single runs are off by 30 % now and then.

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread() of no values: every bench repeats at least once');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

export function median(values: readonly number[]): number {
  return spread(values).median;
}

/** A number with `digits` significant decimals, e.g. fmt(0.4567, 2) = '0.46'. */
export function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/** "median (min–max)" in the unit given. */
export function fmtSpread(s: Spread, unit: string, digits = 1): string {
  const value = unit ? `${fmt(s.median, digits)} ${unit}` : fmt(s.median, digits);
  return s.n === 1 ? value : `${value} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}
