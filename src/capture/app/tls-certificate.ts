/**
 * Whether the certificate a TLS server presents is self-signed (its issuer
 * is its subject), from the server's first payload bytes, as Zeek's
 * x509/ssl logs ("self signed certificate") and ntopng's "self-signed
 * certificate" risk do. C2 servers (Emotet, Cobalt Strike defaults) present
 * certificates they signed themselves; public servers present one a CA
 * signed. Only TLS up to 1.2 sends the certificate in the clear, and only
 * a certificate whose names lie in the packet read is judged.
 */

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CERTIFICATE = 11;
const DER_SEQUENCE = 0x30;
const DER_VERSION_TAG = 0xa0;

/** 1 when the first certificate of the Certificate message in `buf[offset..end)` is self-signed, 0 when not, -1 when none could be read. */
export function selfSignedCertificate(buf: Uint8Array, offset: number, end: number): number {
  // Handshake records one after another; the Certificate message follows the ServerHello.
  for (let record = offset; record + 5 <= end; ) {
    if (buf[record] !== RECORD_HANDSHAKE || buf[record + 1] !== 3) return -1;
    const recordEnd = Math.min(end, record + 5 + ((buf[record + 3] << 8) | buf[record + 4]));
    for (let msg = record + 5; msg + 4 <= recordEnd; ) {
      const length = (buf[msg + 1] << 16) | (buf[msg + 2] << 8) | buf[msg + 3];
      // Certificate: list length (3), first certificate's length (3), its DER.
      if (buf[msg] === HANDSHAKE_CERTIFICATE) return issuerIsSubject(buf, msg + 10, end);
      msg += 4 + length;
    }
    record += 5 + ((buf[record + 3] << 8) | buf[record + 4]);
  }
  return -1;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, subject, ... }, ... } */
function issuerIsSubject(buf: Uint8Array, pos: number, end: number): number {
  const cert = header(buf, pos, end);
  if (cert === null || buf[pos] !== DER_SEQUENCE) return -1;
  const tbs = header(buf, cert.content, end);
  if (tbs === null || buf[cert.content] !== DER_SEQUENCE) return -1;
  let at = tbs.content;
  const fields: { at: number; end: number }[] = [];
  while (fields.length < 5) {
    const field = header(buf, at, end);
    if (field === null) return -1;
    if (!(fields.length === 0 && buf[at] === DER_VERSION_TAG)) fields.push({ at, end: field.end });
    at = field.end;
  }
  // serial, signature algorithm, issuer, validity, subject
  const [issuer, subject] = [fields[2], fields[4]];
  if (subject.end > end) return -1;
  if (issuer.end - issuer.at !== subject.end - subject.at) return 0;
  for (let i = 0; i < issuer.end - issuer.at; i++) if (buf[issuer.at + i] !== buf[subject.at + i]) return 0;
  return 1;
}

/** A DER element's content offset and end; null when its header does not fit in the bytes. */
function header(buf: Uint8Array, pos: number, end: number): { content: number; end: number } | null {
  if (pos + 2 > end) return null;
  const first = buf[pos + 1];
  if (first < 0x80) return { content: pos + 2, end: pos + 2 + first };
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 3 || pos + 2 + bytes > end) return null;
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + buf[pos + 2 + i];
  return { content: pos + 2 + bytes, end: pos + 2 + bytes + length };
}
