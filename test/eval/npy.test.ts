import { zipSync } from 'fflate';
import { parseNpy, parseNpz } from '../../src/eval/npy';
import { npyBytes } from './npy-fixture';

describe('parseNpy', () => {
  it('reads a C-order matrix row by row', () => {
    expect(parseNpy(npyBytes('<f8', [2, 3], [1, 2, 3, 4, 5, 6]))).toEqual({ shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) });
  });

  it('turns a Fortran-order matrix (column after column) into rows', () => {
    // Columns [1, 4] [2, 5] [3, 6] stored one after another.
    expect(parseNpy(npyBytes('<f8', [2, 3], [1, 4, 2, 5, 3, 6], true)).data).toEqual(Float64Array.of(1, 2, 3, 4, 5, 6));
  });

  it('reads integer vectors', () => {
    expect(parseNpy(npyBytes('<i8', [3], [0, 1, 0]))).toEqual({ shape: [3], data: Float64Array.of(0, 1, 0) });
    expect(parseNpy(npyBytes('<i4', [2], [-7, 9])).data).toEqual(Float64Array.of(-7, 9));
  });

  it('refuses what it cannot read', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]))).toThrow('not a .npy file');
    expect(() => parseNpy(npyBytes('<f8', [2, 3], [1, 2]))).toThrow('truncated');
    expect(() => parseNpy(npyBytes('<i4', [1, 1, 1], [1]))).toThrow('3-D');
  });
});

describe('parseNpz', () => {
  it('reads every array of a compressed archive by name', () => {
    const npz = zipSync({ 'X.npy': npyBytes('<f8', [2, 1], [0.5, 1.5]), 'y.npy': npyBytes('<i8', [2], [0, 1]) }, { level: 6 });
    const arrays = parseNpz(npz);
    expect(arrays.get('X')?.data).toEqual(Float64Array.of(0.5, 1.5));
    expect(arrays.get('y')?.data).toEqual(Float64Array.of(0, 1));
  });
});
