/**
 * Reads the request line and the Host header of an HTTP/1.x request from
 * the first payload bytes of a flow, the way Zeek's http.log and Suricata's
 * http keywords see them: what the URI carries (injection payloads are
 * written into it: SQL quotes and keywords, `${jndi:`, `../`) and whether
 * the Host is a bare address (malware talks to IPs it was given, browsers
 * to names). Nothing is kept but numbers.
 */
export interface HttpRequestInfo {
  /** How many different kinds of injection sign (the SIGN_ constants) the percent-decoded target holds. */
  uriInjection: number;
  /** 1 when the Host header is an IPv4 or IPv6 literal, 0 when a name; -1 when the request has none. */
  hostIsAddress: number;
}

/**
 * What an injection leaves in a URI, each counted once: a quote closing a
 * string (SQL), a comment cutting the rest of a statement (`--`, `#` sent
 * encoded as it never is in a real path, `/*`), tags (XSS), a template or
 * lookup expression (`${`: Log4Shell, shell), a directory climb, SQL's
 * UNION / SELECT, a NUL byte, a backtick (shell).
 */
const SIGN_QUOTE = 1;
const SIGN_COMMENT = 2;
const SIGN_TAG = 4;
const SIGN_TEMPLATE = 8;
const SIGN_TRAVERSAL = 16;
const SIGN_SQL_KEYWORD = 32;
const SIGN_NUL = 64;
const SIGN_BACKTICK = 128;

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'].map((m) => Buffer.from(`${m} `));
const HTTP_VERSION = Buffer.from(' HTTP/1.');
const HOST = Buffer.from('host:');
const KEYWORDS = [Buffer.from('union'), Buffer.from('select')];
/** Longer targets are read this far: the signs of an injection sit in its query string, well within. */
const MAX_URI = 4096;
const CR = 0x0d;
const LF = 0x0a;

/** The decoded target, lower-cased; reused so a read allocates nothing. */
const decoded = new Uint8Array(MAX_URI);

/**
 * Fills `out` from a request at `buf[offset..end)`; false (and `out` left
 * alone) when the bytes do not start with a request line. Headers cut off by
 * the end of the packet count as absent.
 */
export function readHttpRequest(buf: Uint8Array, offset: number, end: number, out: HttpRequestInfo): boolean {
  const method = methodLength(buf, offset, end);
  if (method === 0) return false;
  const uriAt = offset + method;
  let pos = uriAt;
  while (pos < end && buf[pos] !== 0x20 && buf[pos] !== CR && buf[pos] !== LF) pos++;
  if (pos === uriAt || !startsWith(buf, pos, end, HTTP_VERSION, false)) return false;
  out.uriInjection = injectionSigns(buf, uriAt, pos);
  out.hostIsAddress = -1;
  for (pos = lineEnd(buf, pos, end); pos < end; pos = lineEnd(buf, pos, end)) {
    if (buf[pos] === CR || buf[pos] === LF) break;
    if (startsWith(buf, pos, end, HOST, true)) {
      out.hostIsAddress = isAddress(buf, pos + HOST.length, end) ? 1 : 0;
      break;
    }
  }
  return true;
}

function methodLength(buf: Uint8Array, offset: number, end: number): number {
  for (const m of METHODS) if (startsWith(buf, offset, end, m, false)) return m.length;
  return 0;
}

function startsWith(buf: Uint8Array, at: number, end: number, token: Uint8Array, foldCase: boolean): boolean {
  if (end - at < token.length) return false;
  for (let i = 0; i < token.length; i++) {
    const b = buf[at + i];
    if ((foldCase && b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== token[i]) return false;
  }
  return true;
}

/** Start of the line after the one at `pos` (end when there is none). */
function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  while (pos < end && buf[pos] !== LF) pos++;
  return pos + 1;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The kinds of injection sign (SIGN_ bits) in the target at buf[from..to), percent-decoded ('+' is a space) and lower-cased. */
function injectionSigns(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  let signs = 0;
  for (let i = from; i < to && n < MAX_URI; i++) {
    let b = buf[i];
    if (b === 0x25 && i + 2 < to && hexValue(buf[i + 1]) >= 0 && hexValue(buf[i + 2]) >= 0) {
      b = hexValue(buf[i + 1]) * 16 + hexValue(buf[i + 2]);
      // An encoded '#' is data, never the fragment a browser strips: a comment for a SQL or shell parser.
      if (b === 0x23) signs |= SIGN_COMMENT;
      i += 2;
    } else if (b === 0x2b) b = 0x20;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    decoded[n++] = b;
    const prev = n > 1 ? decoded[n - 2] : 0;
    if (b === 0x27 || b === 0x22) signs |= SIGN_QUOTE;
    else if (b === 0x3c || b === 0x3e) signs |= SIGN_TAG;
    else if (b === 0x60) signs |= SIGN_BACKTICK;
    else if (b === 0) signs |= SIGN_NUL;
    else if ((b === 0x2d && prev === 0x2d) || (b === 0x2a && prev === 0x2f)) signs |= SIGN_COMMENT;
    else if (b === 0x7b && prev === 0x24) signs |= SIGN_TEMPLATE;
    else if ((b === 0x2f || b === 0x5c) && prev === 0x2e && n > 2 && decoded[n - 3] === 0x2e) signs |= SIGN_TRAVERSAL;
  }
  if (contains(decoded, n, KEYWORDS[0]) && contains(decoded, n, KEYWORDS[1])) signs |= SIGN_SQL_KEYWORD;
  let count = 0;
  for (; signs !== 0; signs &= signs - 1) count++;
  return count;
}

function contains(bytes: Uint8Array, length: number, token: Uint8Array): boolean {
  outer: for (let i = 0; i + token.length <= length; i++) {
    for (let j = 0; j < token.length; j++) if (bytes[i + j] !== token[j]) continue outer;
    return true;
  }
  return false;
}

/** The header value at `pos` (after optional spaces), up to the line end or a port: only digits and dots, or a bracketed IPv6 literal. */
function isAddress(buf: Uint8Array, pos: number, end: number): boolean {
  while (pos < end && buf[pos] === 0x20) pos++;
  if (pos < end && buf[pos] === 0x5b) return true;
  let dots = 0;
  let digits = 0;
  for (; pos < end && buf[pos] !== CR && buf[pos] !== LF && buf[pos] !== 0x3a; pos++) {
    const b = buf[pos];
    if (b === 0x2e) dots++;
    else if (b >= 0x30 && b <= 0x39) digits++;
    else return false;
  }
  return dots === 3 && digits >= 4;
}
