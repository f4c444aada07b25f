import { z } from 'zod';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import type { Matrix } from '../matrix';
import { invalidState } from '../state';
import { buildHistogram, MAX_DISTINCT_VALUES, surpriseOf, type ColumnHistogram } from './histogram';

export const HBOS = 'hbos';
export const HBOS_STATE_VERSION = 1;

export const hbosParams = z.strictObject({
  bins: z
    .number()
    .int()
    .min(2)
    .max(1024)
    .default(32)
    .describe(`Equal-width bins per column; columns with at most ${MAX_DISTINCT_VALUES} distinct values count each value instead.`),
  alpha: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe('Pseudo-count of a value or bin training never had: the smaller, the more such a value weighs.'),
});

export type HbosParams = z.infer<typeof hbosParams>;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const surprises = z.array(finite.refine((v) => v >= 0, 'must be >= 0')).min(1);

const histogramSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('values'), values: z.array(finite).min(1), surprise: surprises, unseen: finite }),
  z.strictObject({ type: z.literal('bins'), lo: finite, width: finite.refine((w) => w > 0, 'must be > 0'), surprise: surprises, unseen: finite }),
]);

export const hbosStateSchema = z.object({ cols: z.number().int().min(1), columns: z.array(histogramSchema).min(1) });

export type HbosState = z.infer<typeof hbosStateSchema>;

/**
 * Goldstein & Dengel's histogram-based outlier score: columns are treated as
 * independent and a row's score is the sum of its per-column surprises, so the
 * score splits exactly into per-column contributions (explain()).
 */
export class HbosDetector implements Detector {
  readonly name = HBOS;

  constructor(
    private readonly params: HbosParams,
    private columns?: ColumnHistogram[],
  ) {}

  fit(X: Matrix, _options: FitOptions): void {
    assertTrainingData(this.name, X, 2);
    const column = new Float64Array(X.rows);
    this.columns = Array.from({ length: X.cols }, (_, c) => {
      for (let r = 0; r < X.rows; r++) column[r] = X.data[r * X.cols + c];
      return buildHistogram(column.sort(), this.params.bins, this.params.alpha);
    });
  }

  score(X: Matrix): Float64Array {
    const columns = this.fitted();
    assertColumns(this.name, X, columns.length);
    const out = new Float64Array(X.rows);
    for (let r = 0, o = 0; r < X.rows; r++, o += X.cols) {
      let total = 0;
      for (let c = 0; c < X.cols; c++) total += surpriseOf(columns[c], X.data[o + c]);
      out[r] = total;
    }
    return out;
  }

  /** Each column's surprise: they sum to the row's score. */
  explain(row: Float64Array): Float64Array {
    const columns = this.fitted();
    assertColumns(this.name, { rows: 1, cols: row.length, data: row }, columns.length);
    return Float64Array.from(columns, (h, c) => surpriseOf(h, row[c]));
  }

  serialize(): SerializedDetector {
    return {
      detector: this.name,
      stateVersion: HBOS_STATE_VERSION,
      params: { ...this.params },
      state: { cols: this.fitted().length, columns: structuredClone(this.fitted()) },
    };
  }

  static restore(params: HbosParams, state: HbosState): HbosDetector {
    if (state.columns.length !== state.cols) throw invalidState(HBOS, 'column count does not match cols');
    for (const [c, h] of state.columns.entries()) {
      const problem = histogramProblem(h, params);
      if (problem !== undefined) throw invalidState(HBOS, `column ${c}: ${problem}`);
    }
    return new HbosDetector(params, state.columns);
  }

  private fitted(): ColumnHistogram[] {
    if (this.columns === undefined) throw notFitted(this.name);
    return this.columns;
  }
}

function histogramProblem(h: ColumnHistogram, params: HbosParams): string | undefined {
  if (h.type === 'bins') return h.surprise.length === params.bins ? undefined : 'bin count does not match the params';
  if (h.values.length !== h.surprise.length) return 'values and surprises differ in length';
  if (h.values.length > MAX_DISTINCT_VALUES) return 'too many values';
  return h.values.every((v, i) => i === 0 || v > h.values[i - 1]) ? undefined : 'values are not ascending';
}
