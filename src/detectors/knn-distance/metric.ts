import type { Matrix } from '../matrix';
import { columnsByVariance, squaredDistance } from './nearest';

/**
 * How the search measures a row: a difference d ≥ 0 in column c costs
 * term(d, c) (non-decreasing in d), a row costs the sum over its columns, and
 * a cost stands for the distance distance(cost). The search works on costs; a
 * subtree's lower bound is the sum of term() of the query's offsets from its
 * range, which never exceeds the cost of any row inside it. Columns are
 * numbered in the search tree's order (see `columnsByVariance`).
 */
export interface Metric {
  term(d: number, column: number): number;
  /** Cost of the row of `ref` at `base` from `query`; may stop early, returning a partial sum ≥ `bound`. */
  cost(query: Float64Array, ref: Float64Array, base: number, bound: number): number;
  distance(cost: number): number;
}

/** A metric before the tree has fixed its column order. */
export interface MetricSpec {
  /** The tree's column order, when the metric wants another than `columnsByVariance`. */
  columnOrder?(points: Matrix): Int32Array;
  bind(columnOrder: Int32Array): Metric;
}

export const METRICS = ['euclidean', 'manhattan', 'fractional'] as const;
export type MetricName = (typeof METRICS)[number];

/** Σ|d|: one column far off counts in proportion, not squared. */
function manhattanCost(query: Float64Array, ref: Float64Array, base: number, bound: number): number {
  const cols = query.length;
  let sum = 0;
  for (let d = 0; d < cols && sum < bound; d++) {
    const a = query[d] - ref[base + d];
    sum += a < 0 ? -a : a;
  }
  return sum;
}

/** Σ√|d|: a true metric (the triangle inequality holds for exponents up to 1). */
function fractionalCost(query: Float64Array, ref: Float64Array, base: number, bound: number): number {
  const cols = query.length;
  let sum = 0;
  for (let d = 0; d < cols && sum < bound; d++) {
    const a = query[d] - ref[base + d];
    sum += Math.sqrt(a < 0 ? -a : a);
  }
  return sum;
}

function uniform(metric: Metric): MetricSpec {
  return { bind: () => metric };
}

const EUCLIDEAN = uniform({ term: (d) => d * d, cost: squaredDistance, distance: Math.sqrt });
const MANHATTAN = uniform({ term: (d) => d, cost: manhattanCost, distance: (c) => c });
const FRACTIONAL = uniform({ term: Math.sqrt, cost: fractionalCost, distance: (c) => c });

export function metricOf(name: MetricName): MetricSpec {
  return name === 'euclidean' ? EUCLIDEAN : name === 'manhattan' ? MANHATTAN : FRACTIONAL;
}

export const DEFAULT_METRIC = EUCLIDEAN;

/**
 * For rows that hold each column twice, first on the quantile scale
 * (columns below `split`), then as encoded: Σ|d| over the quantiles plus
 * weight · Σ√|d| over the encoded values. The quantiles weigh every column
 * alike; the small encoded term keeps what quantiles flatten, a value in the
 * thin tail of a tight mode or a cluster set apart from the bulk.
 */
export function quantilesPlusEncoded(split: number, weight: number): MetricSpec {
  return {
    /**
     * Quantile columns first (each part by falling variance): they carry most
     * of a cost, so a row that cannot make the k best is mostly turned away
     * before any square root of the encoded part is taken.
     */
    columnOrder(points) {
      const order = columnsByVariance(points);
      return Int32Array.from([...order.filter((c) => c < split), ...order.filter((c) => c >= split)]);
    },
    bind() {
      return {
        term: (d, c) => (c < split ? d : weight * Math.sqrt(d)),
        cost(query, ref, base, bound) {
          const cols = query.length;
          let sum = 0;
          let d = 0;
          for (; d < split && sum < bound; d++) {
            const a = query[d] - ref[base + d];
            sum += a < 0 ? -a : a;
          }
          let encoded = 0;
          for (; d < cols && sum + weight * encoded < bound; d++) {
            const a = query[d] - ref[base + d];
            encoded += Math.sqrt(a < 0 ? -a : a);
          }
          return sum + weight * encoded;
        },
        distance: (c) => c,
      };
    },
  };
}
