/** Feeding fixtures to the capture readers the way files and pipes deliver them. */

/** The bytes as a stream of `chunkSize`-byte chunks (the whole buffer at once by default). */
export async function* bytesSource(bytes: Buffer, chunkSize = bytes.length || 1): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
}

/** The bytes split at the given offsets. */
export async function* splitSource(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let previous = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(previous, cut);
    previous = cut;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
