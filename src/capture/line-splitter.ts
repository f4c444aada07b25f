import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a UTF-8 byte stream into lines (LF or CRLF), yielding the complete
 * lines of each chunk together. A line longer than `maxLineLength` is dropped
 * (reported through `onOverlong`) instead of being buffered, so a file without
 * newlines cannot exhaust memory.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>, maxLineLength: number, onOverlong: () => void,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let skipping = false;
  for await (const chunk of chunks) {
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop() ?? '';
    if (skipping && parts.length > 0) {
      parts.shift(); // the tail of the overlong line
      skipping = false;
    }
    if (rest.length > maxLineLength) {
      if (!skipping) onOverlong();
      skipping = true;
      rest = '';
    }
    if (parts.length > 0) yield parts.map(stripCarriageReturn);
  }
  const last = rest + decoder.end();
  if (last.length > 0 && !skipping) yield [stripCarriageReturn(last)];
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
