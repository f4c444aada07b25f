import { unzipSync } from 'fflate';

/** A numeric NumPy array, row-major whatever order the file stored it in. */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Reader = (view: DataView, offset: number) => number;

/** The little-endian / byte-sized dtypes ADBench and ODDS files use. */
const DTYPES: Record<string, { size: number; read: Reader }> = {
  '<f8': { size: 8, read: (v, o) => v.getFloat64(o, true) },
  '<f4': { size: 4, read: (v, o) => v.getFloat32(o, true) },
  '<i8': { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  '<i4': { size: 4, read: (v, o) => v.getInt32(o, true) },
  '|i1': { size: 1, read: (v, o) => v.getInt8(o) },
  '|u1': { size: 1, read: (v, o) => v.getUint8(o) },
  '|b1': { size: 1, read: (v, o) => v.getUint8(o) },
};

/** Parses one .npy file (format versions 1–3) of a numeric dtype, 1-D or 2-D. */
export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${name}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const dtype = descr === undefined ? undefined : DTYPES[descr];
  if (dtype === undefined || shapeText === undefined) throw new Error(`${name}: unsupported header ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.length > 2) throw new Error(`${name}: ${shape.length}-D arrays are not supported`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  if (bytes.length < start + count * dtype.size) throw new Error(`${name}: truncated data`);
  const data = new Float64Array(count);
  const [rows, cols] = shape.length === 2 ? shape : [count, 1];
  for (let i = 0; i < count; i++) {
    // Fortran order stores column after column: element i is (row i % rows, column i / rows).
    const at = fortran && cols > 1 ? (i % rows) * cols + Math.floor(i / rows) : i;
    data[at] = dtype.read(view, start + i * dtype.size);
  }
  return { shape, data };
}

/** Every array of an .npz archive (a zip of .npy files), by name without the extension. */
export function parseNpz(bytes: Uint8Array): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  for (const [file, content] of Object.entries(unzipSync(bytes))) {
    if (file.endsWith('.npy')) arrays.set(file.slice(0, -4), parseNpy(content, file));
  }
  return arrays;
}
