/**
 * Whether an HTTP/1.x response delivers a program, from the server's first
 * payload bytes: a Content-Type naming an executable, or a body that starts
 * with one (a Windows PE's "MZ", an ELF header), as ntopng's "binary
 * application transfer" risk and the executable-download policy rules of
 * Suricata see it. Malware droppers fetch their next stage this way; updaters
 * mostly use TLS. A body that starts in a later packet is judged by its
 * Content-Type alone.
 */

const STATUS = Buffer.from('HTTP/1.');
const CONTENT_TYPE = Buffer.from('content-type:');
const EXECUTABLE_TYPES = [
  'application/x-msdownload', 'application/x-dosexec', 'application/x-msdos-program',
  'application/vnd.microsoft.portable-executable', 'application/x-executable', 'application/x-elf',
].map((t) => Buffer.from(t));
const MAGIC = [Buffer.from('MZ'), Buffer.from('\x7fELF', 'latin1')];
const CR = 0x0d;
const LF = 0x0a;

/** 1 when the response at `buf[offset..end)` carries an executable, 0 when not; -1 when the bytes are no HTTP response. */
export function executableResponse(buf: Uint8Array, offset: number, end: number): number {
  if (!matches(buf, offset, end, STATUS, false)) return -1;
  let pos = lineEnd(buf, offset, end);
  while (pos < end) {
    if (buf[pos] === CR || buf[pos] === LF) {
      // The blank line: the body follows.
      const body = lineEnd(buf, pos, end);
      return MAGIC.some((m) => matches(buf, body, end, m, false)) ? 1 : 0;
    }
    if (matches(buf, pos, end, CONTENT_TYPE, true)) {
      let at = pos + CONTENT_TYPE.length;
      while (at < end && buf[at] === 0x20) at++;
      if (EXECUTABLE_TYPES.some((t) => matches(buf, at, end, t, true))) return 1;
    }
    pos = lineEnd(buf, pos, end);
  }
  return 0;
}

/** Where the line at `pos` ends (past its LF), or `end`. */
function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  while (pos < end && buf[pos] !== LF) pos++;
  return pos < end ? pos + 1 : end;
}

function matches(buf: Uint8Array, pos: number, end: number, text: Buffer, foldCase: boolean): boolean {
  if (pos + text.length > end) return false;
  for (let i = 0; i < text.length; i++) {
    const b = buf[pos + i];
    if ((foldCase && b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== text[i]) return false;
  }
  return true;
}
