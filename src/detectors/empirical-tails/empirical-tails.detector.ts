import { z } from 'zod';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { packFloat64, packInt32, unpackFloat64, unpackInt32 } from '../half-space-trees/packed-arrays';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import type { Matrix } from '../matrix';
import { invalidState } from '../state';
import { ColumnKnots, knotRanks, tailScales, tolerance } from './column-tails';

/** −ln(½): the surprise of a value no training row reached, before its distance. */
const LN2 = Math.LN2;

export const EMPIRICAL_TAILS = 'empirical-tails';
export const EMPIRICAL_TAILS_STATE_VERSION = 1;

export const empiricalTailsParams = z.strictObject({
  combine: z
    .enum(['max', 'sum'])
    .default('sum')
    .describe(
      'How column surprises make a score: max (the most surprising column decides: one rate, fan-out or name length far beyond anything in training is enough) or sum (every column adds up, as ECOD does).',
    ),
  maxExcess: z
    .number()
    .min(1)
    .max(1e6)
    .default(20)
    .describe('Tail scales beyond the training range counted at most per column: past that a value is simply far out, and one runaway column cannot outvote the rest.'),
  knots: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(256)
    .describe('Values kept per column: all of them up to this many training rows, else the most extreme ones at both ends and a geometric grid between.'),
});

export type EmpiricalTailsParams = z.infer<typeof empiricalTailsParams>;

/** Tail scales below this (in the column's units, robust z for encoded features) are raised to it: constant columns still extrapolate. */
const MIN_TAIL_SCALE = 0.5;
/** Weight of the mean column surprise under `max`: it only orders rows whose most surprising columns tie. */
const TIE_BREAK = 0.01;

const finiteArray = z.array(z.number().refine(Number.isFinite, 'must be finite'));

export const empiricalTailsStateSchema = z.object({
  cols: z.number().int().min(1),
  rows: z.number().int().min(2),
  /** Int32 ranks, shared by every column (base64). */
  ranks: z.string(),
  /** Float64 knot values, column after column (base64). */
  values: z.string(),
  scaleUp: finiteArray,
  scaleDown: finiteArray,
});

export type EmpiricalTailsState = z.infer<typeof empiricalTailsStateSchema>;

interface Model {
  knots: ColumnKnots;
  scaleUp: Float64Array;
  scaleDown: Float64Array;
  /** ln(n + 1), the surprise scale's constant. */
  logRows: number;
  /**
   * Each column's surprise at its minimum and at its maximum, worked out
   * once: flags, one-hot columns and counts that sit at zero take one of the
   * two most of the time, and then no search is needed.
   */
  atMin: Float64Array;
  atMax: Float64Array;
  /** Each column's surprise at its median value: what explain() counts from. */
  usual: Float64Array;
  /** Tail scales beyond the range counted at most (the detector's maxExcess). */
  maxExcess: number;
  /** Scratch row of surpriseSum: each column's edge surprise. */
  edges: Float64Array;
  /** surprise()'s number in and out of edgeSurprise. */
  cell: Float64Array;
}

function model(knots: ColumnKnots, scaleUp: Float64Array, scaleDown: Float64Array, maxExcess: number): Model {
  const logRows = Math.log(knots.rows + 1);
  const at = (value: (c: number) => number) =>
    Float64Array.from({ length: knots.cols }, (_, c) => logRows - Math.log(knots.rowsAsExtreme(c, value(c)) + 0.5));
  const middle = nearestRank(knots.ranks, (knots.rows - 1) / 2);
  const atMin = at((c) => knots.min(c));
  const atMax = at((c) => knots.max(c));
  const cols = knots.cols;
  const partial = { knots, scaleUp, scaleDown, logRows, atMin, atMax, usual: new Float64Array(cols), maxExcess, edges: new Float64Array(cols), cell: new Float64Array(2) };
  partial.usual = Float64Array.from({ length: cols }, (_, c) => surprise(partial, c, knots.values[c * knots.knots + middle]));
  return partial;
}

/**
 * Per-column empirical tail probabilities, in the spirit of ECOD (Li et al.,
 * TKDE 2022): a value's surprise in a column is −ln of the share of training
 * rows at least as extreme, on its more extreme side; beyond the training
 * range it keeps growing with the distance, one unit per tail scale (the mean
 * excess over the 90% quantile), so a rate a hundred times anything seen
 * outranks one just past the maximum. Columns are not assumed to interact:
 * this catches values out of range, not unusual combinations of usual values.
 */
export class EmpiricalTailsDetector implements Detector {
  readonly name = EMPIRICAL_TAILS;

  constructor(
    private readonly params: EmpiricalTailsParams,
    private model?: Model,
  ) {}

  fit(X: Matrix, _options: FitOptions): void {
    assertTrainingData(this.name, X, 2);
    const ranks = knotRanks(X.rows, this.params.knots);
    const k = ranks.length;
    const values = new Float64Array(X.cols * k);
    const scaleUp = new Float64Array(X.cols);
    const scaleDown = new Float64Array(X.cols);
    const column = new Float64Array(X.rows);
    for (let c = 0; c < X.cols; c++) {
      for (let r = 0; r < X.rows; r++) column[r] = X.data[r * X.cols + c];
      column.sort();
      for (let i = 0; i < k; i++) values[c * k + i] = column[ranks[i]];
      [scaleUp[c], scaleDown[c]] = tailScales(column, MIN_TAIL_SCALE);
    }
    this.model = model(new ColumnKnots(values, ranks, X.cols, X.rows), scaleUp, scaleDown, this.params.maxExcess);
  }

  score(X: Matrix): Float64Array {
    const m = this.fitted();
    const cols = m.knots.cols;
    assertColumns(this.name, X, cols);
    const out = new Float64Array(X.rows);
    const data = X.data;
    if (this.params.combine === 'sum') {
      for (let r = 0; r < X.rows; r++) out[r] = surpriseSum(m, data, r * cols);
      return out;
    }
    for (let r = 0, o = 0; r < X.rows; r++, o += cols) {
      let max = 0;
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const s = surprise(m, c, data[o + c]);
        if (s > max) max = s;
        sum += s;
      }
      out[r] = max + (TIE_BREAK * sum) / cols;
    }
    return out;
  }

  /**
   * Each column's surprise beyond that of its median value (ln 2 for a
   * continuous column, next to 0 for a flag that is mostly off): a column at
   * its usual value explains nothing, however many columns a field has.
   */
  explain(row: Float64Array): Float64Array {
    const m = this.fitted();
    const cols = m.knots.cols;
    assertColumns(this.name, { rows: 1, cols: row.length, data: row }, cols);
    return Float64Array.from({ length: cols }, (_, c) => Math.max(0, surprise(m, c, row[c]) - m.usual[c]));
  }

  serialize(): SerializedDetector {
    const m = this.fitted();
    return {
      detector: this.name,
      stateVersion: EMPIRICAL_TAILS_STATE_VERSION,
      params: { ...this.params },
      state: {
        cols: m.knots.cols,
        rows: m.knots.rows,
        ranks: packInt32(m.knots.ranks),
        values: packFloat64(m.knots.values),
        scaleUp: Array.from(m.scaleUp),
        scaleDown: Array.from(m.scaleDown),
      },
    };
  }

  static restore(params: EmpiricalTailsParams, s: EmpiricalTailsState): EmpiricalTailsDetector {
    const fail = (reason: string) => invalidState(EMPIRICAL_TAILS, reason);
    const expected = knotRanks(s.rows, params.knots);
    const ranks = unpackInt32(s.ranks, expected.length);
    if (!ranks || ranks.some((r, i) => r !== expected[i])) throw fail('ranks do not match rows and knots');
    const values = unpackFloat64(s.values, s.cols * ranks.length);
    if (!values || !values.every(Number.isFinite)) throw fail('knot values do not match cols and knots');
    for (let c = 0; c < s.cols; c++) {
      for (let i = 1; i < ranks.length; i++) if (values[c * ranks.length + i] < values[c * ranks.length + i - 1]) throw fail(`column ${c} is not sorted`);
    }
    if (s.scaleUp.length !== s.cols || s.scaleDown.length !== s.cols) throw fail('tail scales do not match cols');
    if ([...s.scaleUp, ...s.scaleDown].some((v) => !(v > 0))) throw fail('tail scales must be positive');
    const knots = new ColumnKnots(values, ranks, s.cols, s.rows);
    return new EmpiricalTailsDetector(params, model(knots, Float64Array.from(s.scaleUp), Float64Array.from(s.scaleDown), params.maxExcess));
  }

  private fitted(): Model {
    if (this.model === undefined) throw notFitted(this.name);
    return this.model;
  }
}

/** Index of the knot whose rank is closest to `rank`. */
function nearestRank(ranks: Int32Array, rank: number): number {
  let best = 0;
  for (let i = 1; i < ranks.length; i++) if (Math.abs(ranks[i] - rank) < Math.abs(ranks[best] - rank)) best = i;
  return best;
}

/**
 * −ln((rows at least as extreme + ½) / (n + 1)) on the value's more extreme
 * side (the ½ keeps a value never reached finite), plus, beyond the training
 * range, the distance in tail scales, at most `maxExcess` of them.
 */
function surprise(m: Model, c: number, x: number): number {
  m.cell[0] = x;
  edgeSurpriseAt(m, c, m.cell, 0, m.cell, 1);
  const edge = m.cell[1];
  return edge === edge ? edge : m.logRows - Math.log(m.knots.rowsAsExtreme(c, x) + 0.5);
}

/**
 * Into out[o], the surprise of data[at] in column c when it is at or beyond
 * the column's minimum or maximum; NaN for a value strictly inside. Numbers
 * in and out through arrays, as ColumnKnots.countAt and for its reason.
 */
function edgeSurpriseAt(m: Model, c: number, data: Float64Array, at: number, out: Float64Array, o: number): void {
  const x = data[at];
  const max = m.knots.max(c);
  const min = m.knots.min(c);
  const slack = tolerance(x);
  let excess = NaN;
  if (x >= max - slack) {
    if (x <= max + slack) out[o] = m.atMax[c];
    else excess = (x - max) / m.scaleUp[c];
  } else if (x <= min + slack) {
    if (x >= min - slack) out[o] = m.atMin[c];
    else excess = (min - x) / m.scaleDown[c];
  } else {
    out[o] = NaN;
  }
  if (excess === excess) out[o] = m.logRows + LN2 + (excess < m.maxExcess ? excess : m.maxExcess);
}

/**
 * The sum of one row's column surprises: each value at or beyond its
 * column's edges as edgeSurpriseAt says; each one inside adds ln(n + 1) −
 * ln(rows as extreme + ½), whose logs ColumnKnots sums for the row at once.
 * `edges` is the model's scratch row.
 */
function surpriseSum(m: Model, data: Float64Array, from: number): number {
  const edges = m.edges;
  let sum = 0;
  let inside = 0;
  for (let c = 0; c < edges.length; c++) {
    edgeSurpriseAt(m, c, data, from + c, edges, c);
    const edge = edges[c];
    if (edge === edge) sum += edge;
    else inside++;
  }
  return sum + inside * m.logRows - m.knots.sumLogRowsAsExtreme(data, from, edges);
}
