/**
 * Unchecked big/little-endian reads. Buffer#readUInt32BE and friends validate
 * their offset on every call, which showed up as a tenth of the decode time;
 * callers here have already checked the lengths.
 *
 * They are exported as one object that hot modules destructure once at load:
 * swc and esbuild (jest, tsx) compile named imports into getter calls, which
 * V8 did not inline here and which then cost a fifth of the decode time.
 */
function u16be(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 8) | buf[offset + 1];
}

function u16le(buf: Uint8Array, offset: number): number {
  return buf[offset] | (buf[offset + 1] << 8);
}

function u32be(buf: Uint8Array, offset: number): number {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
}

function u32le(buf: Uint8Array, offset: number): number {
  return (buf[offset] | (buf[offset + 1] << 8) | (buf[offset + 2] << 16) | (buf[offset + 3] << 24)) >>> 0;
}

/** The same four bytes as u32be, as a signed 32-bit integer (a small integer to V8). */
function i32be(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3];
}

export const Bytes = { u16be, u16le, u32be, u32le, i32be } as const;
