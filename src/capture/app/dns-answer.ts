import { ByteEntropy } from '../byte-entropy';

/**
 * Reads the text a DNS response carries in its TXT answers (RFC 1035
 * §3.3.14): how much there is and how random its characters look, as the
 * Stratosphere IPS (Slips) does to find "high entropy DNS TXT answers".
 * C2 channels and tunnels send commands and files as base64 or hex in TXT
 * records (close to 6 bits per character); the TXT answers ordinary clients
 * get (SPF policies, AS lookups, site verifications) are words and numbers
 * (3 to 4.5 bits).
 */
export interface TxtAnswer {
  /** Characters of text in the TXT answers; 0 when the response has none. */
  chars: number;
  /** Shannon entropy of those characters, bits per character. */
  entropy: number;
}

const HEADER = 12;
const TYPE_TXT = 16;
const LABEL_POINTER = 0xc0;

/** Reused across calls, so a read allocates nothing. */
const text = new ByteEntropy();

/**
 * Fills `out` from the response at `buf[offset..end)`, whose one question
 * name takes `questionWire` bytes on the wire. Answers cut by the snap length
 * count as far as they were captured. False (and `out` left alone) when the
 * message is no response or its answers cannot be walked.
 */
export function readTxtAnswers(buf: Uint8Array, offset: number, end: number, questionWire: number, out: TxtAnswer): boolean {
  if (end - offset < HEADER || (buf[offset + 2] & 0x80) === 0) return false;
  const answers = (buf[offset + 6] << 8) | buf[offset + 7];
  let pos = offset + HEADER + questionWire + 4;
  text.clear();
  for (let a = 0; a < answers && pos < end; a++) {
    pos = skipName(buf, pos, end);
    if (pos < 0 || pos + 10 > end) break;
    const type = (buf[pos] << 8) | buf[pos + 1];
    const dataEnd = pos + 10 + ((buf[pos + 8] << 8) | buf[pos + 9]);
    pos += 10;
    if (type === TYPE_TXT) {
      // Character-strings: a length byte, then that many bytes.
      for (let at = pos; at < dataEnd && at < end; at += 1 + buf[at]) {
        const stop = Math.min(at + 1 + buf[at], dataEnd, end);
        for (let i = at + 1; i < stop; i++) text.add(buf[i]);
      }
    }
    pos = dataEnd;
  }
  out.chars = text.total;
  out.entropy = text.take();
  return true;
}

/** Where the name at `pos` ends: after its root label or its compression pointer; -1 when cut. */
function skipName(buf: Uint8Array, pos: number, end: number): number {
  while (pos < end) {
    const length = buf[pos];
    if (length === 0) return pos + 1;
    if ((length & LABEL_POINTER) === LABEL_POINTER) return pos + 2 <= end ? pos + 2 : -1;
    pos += 1 + length;
  }
  return -1;
}
