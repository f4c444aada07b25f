import { ByteEntropy } from './byte-entropy';

/**
 * Reads the first question of a DNS message (RFC 1035 §4.1): how long its
 * name is and how random its characters look. DNS tunnels (iodine, dnscat,
 * dns2tcp in UDP mode) pack data into long, high-entropy names; ordinary
 * lookups ask for short, readable ones. Only the question is read, never
 * the answers, so a snap length of a few hundred bytes is enough.
 */
export interface DnsQuestion {
  /** Length of the dotted name without the final dot (what `dig` shows), 0 for the root; -1 when unreadable. */
  nameLength: number;
  /** Shannon entropy of the name's characters (dots excluded), bits per character. */
  entropy: number;
  /** QTYPE (1 = A, 16 = TXT, ...); 0 when the message ends before it. */
  type: number;
}

const HEADER = 12;
/** RFC 1035: a name is at most 255 octets on the wire. */
const MAX_NAME_WIRE = 255;
const LABEL_POINTER = 0xc0;

/** Reused across calls, so a read allocates nothing. */
const name = new ByteEntropy();

/**
 * Fills `out` from the message at `buf[offset..end)`; returns false (and
 * leaves `out` alone) when it has no question or the name is cut or malformed.
 * A question name never uses compression, so a pointer counts as malformed.
 */
export function readDnsQuestion(buf: Uint8Array, offset: number, end: number, out: DnsQuestion): boolean {
  if (end - offset < HEADER + 1) return false;
  const questions = (buf[offset + 4] << 8) | buf[offset + 5];
  if (questions === 0) return false;
  let pos = offset + HEADER;
  let labels = 0;
  let wire = 1;
  for (;;) {
    if (pos >= end) return unreadable();
    const length = buf[pos];
    if (length === 0) break;
    if ((length & LABEL_POINTER) !== 0 || pos + 1 + length > end) return unreadable();
    wire += length + 1;
    if (wire > MAX_NAME_WIRE) return unreadable();
    for (let i = pos + 1; i <= pos + length; i++) {
      // Names are case-insensitive: fold ASCII letters so 0x20-randomised case does not look random.
      const b = buf[i];
      name.add(b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
    }
    labels++;
    pos += length + 1;
  }
  out.nameLength = labels === 0 ? 0 : name.total + labels - 1;
  out.entropy = name.take();
  out.type = pos + 2 < end ? (buf[pos + 1] << 8) | buf[pos + 2] : 0;
  return true;
}

function unreadable(): false {
  name.clear();
  return false;
}
