import type { Rng } from '../util/random';

/**
 * Returns a function that fills its argument with distinct row indices in
 * [0, rows), uniformly: a partial Fisher–Yates shuffle over one permutation
 * kept between draws, so each draw costs its size, not `rows`.
 */
export function subsampler(rows: number, rng: Rng): (out: Int32Array) => void {
  const permutation = Int32Array.from({ length: rows }, (_, i) => i);
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      const j = i + rng.int(rows - i);
      [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
      out[i] = permutation[i];
    }
  };
}
