/**
 * Reads the server name (SNI) of a TLS ClientHello (RFC 8446 §4.1.2, RFC
 * 6066 §3), and whether it offers ALPN, from the first payload bytes a
 * client sends, as Zeek's ssl.log and ntopng's "TLS missing SNI" risk do. Browsers and system libraries
 * always name the server; tunnels (dns2tcp, DoH clients built on bare TLS
 * libraries), scanners and malware that connect to an address often do not.
 * A ClientHello longer than the packet is read as far as the packet goes.
 */
export interface ClientHelloInfo {
  /** Length of the server name; 0 when the captured part of the hello names none. */
  sniLength: number;
  /**
   * 1 when the hello offers application protocols (ALPN, RFC 7301), 0 when
   * its captured part does not. Offering h2 without naming a server is what
   * browsers never do: ntopng's "ALPN/SNI mismatch" risk.
   */
  alpnOffered: number;
}

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const EXTENSION_ALPN = 16;
/** Record header (5), handshake header (4), version (2), random (32). */
const TO_SESSION_ID = 5 + 4 + 2 + 32;

/** Fills `out` from the bytes at `buf[offset..end)`; false (and `out` left alone) when they are no ClientHello. */
export function readClientHello(buf: Uint8Array, offset: number, end: number, out: ClientHelloInfo): boolean {
  if (end - offset < TO_SESSION_ID + 1) return false;
  if (buf[offset] !== RECORD_HANDSHAKE || buf[offset + 1] !== 3 || buf[offset + 5] !== HANDSHAKE_CLIENT_HELLO) return false;
  let pos = offset + TO_SESSION_ID;
  pos += 1 + buf[pos];
  if (pos + 2 > end) return false;
  const suitesLength = (buf[pos] << 8) | buf[pos + 1];
  if ((suitesLength & 1) !== 0) return false;
  pos += 2 + suitesLength;
  if (pos >= end) return false;
  pos += 1 + buf[pos];
  out.sniLength = 0;
  out.alpnOffered = 0;
  if (pos + 2 > end) return true;
  const extensionsEnd = pos + 2 + ((buf[pos] << 8) | buf[pos + 1]);
  for (pos += 2; pos + 4 <= end && pos + 4 <= extensionsEnd; ) {
    const type = (buf[pos] << 8) | buf[pos + 1];
    const length = (buf[pos + 2] << 8) | buf[pos + 3];
    // server_name_list: list length (2), name type (1), name length (2), name.
    if (type === EXTENSION_SERVER_NAME && length >= 5 && pos + 9 <= end) out.sniLength = (buf[pos + 7] << 8) | buf[pos + 8];
    else if (type === EXTENSION_ALPN) out.alpnOffered = 1;
    pos += 4 + length;
  }
  return true;
}
