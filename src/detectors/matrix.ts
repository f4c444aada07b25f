/**
 * A dense row-major feature matrix. Detectors work on this instead of
 * number[][] so that scoring touches one contiguous typed array.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Length rows * cols; row i is data[i*cols .. (i+1)*cols). */
  readonly data: Float64Array;
}

export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => data.set(row, i * cols));
  return { rows: rows.length, cols, data };
}

export function matrixRow(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
