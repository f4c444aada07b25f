/**
 * Typed arrays as base64 strings. A forest holds ~10^5 node masses: as JSON
 * number arrays they are several times larger and every load would validate
 * them one element at a time.
 */
export function packInt32(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function packFloat64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** undefined when the string does not decode to exactly `length` values. */
export function unpackInt32(text: string, length: number): Int32Array | undefined {
  const bytes = decode(text, length * 4);
  return bytes && new Int32Array(bytes.buffer, bytes.byteOffset, length).slice();
}

export function unpackFloat64(text: string, length: number): Float64Array | undefined {
  const bytes = decode(text, length * 8);
  return bytes && new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function decode(text: string, byteLength: number): Buffer | undefined {
  // Buffer.from skips characters outside the alphabet instead of failing: check the alphabet first.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === byteLength ? bytes : undefined;
}
