import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface LineReader {
  /** The lines, a chunk's worth at a time: one await per chunk instead of one per line. */
  lines: AsyncIterable<string[]>;
  /** Share of the file read so far (compressed bytes for gzip), for a progress bar. */
  fraction(): number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** What readline takes for a line break. */
const LINE_BREAK = /\r?\n|\r(?!\n)/;

/** Lines of a text file, gunzipped on the fly when the file is gzip (by its magic bytes, whatever its name). */
export async function readLines(file: string): Promise<LineReader> {
  const size = (await stat(file)).size;
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let read = 0;
  raw.on('data', (chunk) => (read += chunk.length));
  const text: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 16 })) : raw;
  // A corrupt gzip stream must fail the read loop, not crash the process.
  raw.on('error', (err) => text.destroy(err));
  return {
    lines: lineGroups(text),
    fraction: () => (size === 0 ? 1 : read / size),
  };
}

async function* lineGroups(text: Readable): AsyncGenerator<string[]> {
  text.setEncoding('utf8');
  let rest = '';
  for await (const chunk of text as AsyncIterable<string>) {
    const s = rest + chunk;
    // A chunk ending in \r may be half of a \r\n: it waits for the next chunk.
    const end = s.endsWith('\r') ? s.length - 1 : s.length;
    const lines = s.slice(0, end).split(LINE_BREAK);
    rest = lines.pop()! + s.slice(end);
    if (lines.length > 0) yield lines;
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
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
