import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface LineReader {
  lines: AsyncIterable<string>;
  /** Share of the file read so far (compressed bytes for gzip), for a progress bar. */
  fraction(): number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Lines of a text file, gunzipped on the fly when the file is gzip (by its magic bytes, whatever its name). */
export async function readLines(file: string): Promise<LineReader> {
  const size = (await stat(file)).size;
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let read = 0;
  raw.on('data', (chunk) => (read += chunk.length));
  const text: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  // A corrupt gzip stream must fail the read loop, not crash the process.
  raw.on('error', (err) => text.destroy(err));
  return {
    lines: createInterface({ input: text, crlfDelay: Infinity }),
    fraction: () => (size === 0 ? 1 : read / size),
  };
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}
