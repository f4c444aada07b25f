/**
 * Recognises a server's answer to a failed login in one payload packet, for
 * the protocols that say so in a few bytes: FTP `530`, SMTP `535`, POP3
 * `-ERR` (RFC 959, 4954, 1939) and a Kerberos KRB-ERROR naming an unknown
 * principal or a wrong password (RFC 4120 §7.5.9). Password guessing and
 * spraying are runs of these; an ordinary session has none or one typo.
 */

const FTP = 21;
const SMTP = 25;
const SUBMISSION = 587;
const POP3 = 110;
const KERBEROS = 88;

/** KDC_ERR_C_PRINCIPAL_UNKNOWN, KDC_ERR_CLIENT_REVOKED, KDC_ERR_PREAUTH_FAILED. */
const KERBEROS_FAILURES = new Set([6, 18, 24]);
const KRB_ERROR = 0x7e;
const SEQUENCE = 0x30;
const INTEGER = 0x02;
/** KRB-ERROR ::= SEQUENCE { pvno [0], msg-type [1], ctime [2] OPT, cusec [3] OPT, stime [4], susec [5], error-code [6], ... } */
const ERROR_CODE_TAG = 0xa6;

/** True when `port` (the server's) is one whose failed logins authFailure() recognises. */
export function authPort(port: number): boolean {
  return port === FTP || port === SMTP || port === SUBMISSION || port === POP3 || port === KERBEROS;
}

/** The server packet at `buf[offset..end)` on `port` reports a failed login. */
export function authFailure(buf: Uint8Array, offset: number, end: number, port: number, tcp: boolean): boolean {
  switch (port) {
    case FTP:
      return replyCode(buf, offset, end, 0x35, 0x33, 0x30);
    case SMTP:
    case SUBMISSION:
      return replyCode(buf, offset, end, 0x35, 0x33, 0x35);
    case POP3:
      return end - offset >= 4 && buf[offset] === 0x2d && buf[offset + 1] === 0x45 && buf[offset + 2] === 0x52 && buf[offset + 3] === 0x52;
    case KERBEROS:
      // Over TCP every message is preceded by its 4-byte length (RFC 4120 §7.2.2).
      return KERBEROS_FAILURES.has(kerberosErrorCode(buf, tcp ? offset + 4 : offset, end));
    default:
      return false;
  }
}

/** A reply line starting with the three given digits and a space or dash. */
function replyCode(buf: Uint8Array, offset: number, end: number, a: number, b: number, c: number): boolean {
  return end - offset >= 4 && buf[offset] === a && buf[offset + 1] === b && buf[offset + 2] === c && (buf[offset + 3] === 0x20 || buf[offset + 3] === 0x2d);
}

/** The error-code of a KRB-ERROR at `buf[offset..end)`, -1 when it is none or is cut. */
export function kerberosErrorCode(buf: Uint8Array, offset: number, end: number): number {
  if (offset < 0 || end - offset < 2 || buf[offset] !== KRB_ERROR) return -1;
  let pos = skipHeader(buf, offset, end);
  if (pos < 0 || buf[pos] !== SEQUENCE) return -1;
  pos = skipHeader(buf, pos, end);
  while (pos >= 0 && pos < end) {
    const tag = buf[pos];
    const content = skipHeader(buf, pos, end);
    if (content < 0) return -1;
    if (tag === ERROR_CODE_TAG) return integer(buf, content, end);
    if (tag > ERROR_CODE_TAG) return -1;
    pos = content + length(buf, pos, end);
  }
  return -1;
}

/** DER: where the content of the element at `pos` starts; -1 when its header is cut or too long for a packet. */
function skipHeader(buf: Uint8Array, pos: number, end: number): number {
  if (pos + 2 > end) return -1;
  const first = buf[pos + 1];
  if (first < 0x80) return pos + 2;
  const bytes = first & 0x7f;
  return bytes === 0 || bytes > 3 || pos + 2 + bytes > end ? -1 : pos + 2 + bytes;
}

/** DER: the content length of the element at `pos` (its header already checked by skipHeader). */
function length(buf: Uint8Array, pos: number, end: number): number {
  const first = buf[pos + 1];
  if (first < 0x80) return first;
  let n = 0;
  for (let i = 0; i < (first & 0x7f) && pos + 2 + i < end; i++) n = n * 256 + buf[pos + 2 + i];
  return n;
}

/** A small non-negative DER INTEGER at `pos`, -1 otherwise. */
function integer(buf: Uint8Array, pos: number, end: number): number {
  if (pos + 3 > end || buf[pos] !== INTEGER || buf[pos + 1] < 1 || buf[pos + 1] > 2 || pos + 2 + buf[pos + 1] > end) return -1;
  return buf[pos + 1] === 1 ? buf[pos + 2] : (buf[pos + 2] << 8) | buf[pos + 3];
}
