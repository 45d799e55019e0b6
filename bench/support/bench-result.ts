// What a bench hands back to bench/run.ts: figures for bothy and its baseline measured in the same run,
// their ratio and the goal the ratio is read against (never asserted: a bench reports, it does not fail).

export interface BenchRow {
  readonly metric: string;
  readonly bothy: string;
  readonly baseline: string;
  /** bothy / baseline of the underlying numbers; undefined when there is nothing to divide. */
  readonly ratio: number | undefined;
  /** The goal for the ratio, e.g. '>= 0.9' or '<= 0.5'; undefined when there is none. */
  readonly goal?: Goal;
}

export interface Goal {
  readonly op: '>=' | '<=';
  readonly value: number;
}

export type BenchResult =
  | { readonly kind: 'done'; readonly name: string; readonly baseline: string; readonly seconds: number; readonly rows: readonly BenchRow[] }
  | { readonly kind: 'skipped'; readonly name: string; readonly reason: string }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string };

export function goalMet(row: BenchRow): boolean | undefined {
  if (row.goal === undefined || row.ratio === undefined) return undefined;
  return row.goal.op === '>=' ? row.ratio >= row.goal.value : row.ratio <= row.goal.value;
}
