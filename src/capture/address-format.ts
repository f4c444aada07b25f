/**
 * Formats addresses out of packet bytes, remembering recent results.
 *
 * A capture repeats the same few addresses millions of times: the caches turn
 * formatting into one Map lookup and hand out the same string instance, whose
 * hash V8 keeps, so the flow and feature tables that key on it hash it once.
 * Each cache is cleared when full, which bounds memory on address scans.
 */
const CACHE_LIMIT = 65_536;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export class AddressFormatter {
  // Signed 32-bit keys are small integers to V8: hashing them allocates nothing.
  private readonly ipv4 = new Map<number, string>();
  private readonly ipv6 = new Map<string, string>();
  /** Keyed by the low 4 bytes; the entry keeps the high 2 to tell apart the rare clash. */
  private readonly macs = new Map<number, { high: number; text: string }>();

  ipv4At(buf: Buffer, offset: number): string {
    const key = buf.readInt32BE(offset);
    let text = this.ipv4.get(key);
    if (text === undefined) {
      text = `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
      remember(this.ipv4, key, text);
    }
    return text;
  }

  ipv6At(buf: Buffer, offset: number): string {
    const key = buf.toString('latin1', offset, offset + 16);
    let text = this.ipv6.get(key);
    if (text === undefined) {
      text = formatIpv6(buf, offset);
      remember(this.ipv6, key, text);
    }
    return text;
  }

  macAt(buf: Buffer, offset: number): string {
    const key = buf.readInt32BE(offset + 2);
    const high = buf.readUInt16BE(offset);
    const entry = this.macs.get(key);
    if (entry !== undefined && entry.high === high) return entry.text;
    const text = `${HEX[buf[offset]]}:${HEX[buf[offset + 1]]}:${HEX[buf[offset + 2]]}:${HEX[buf[offset + 3]]}:${HEX[buf[offset + 4]]}:${HEX[buf[offset + 5]]}`;
    remember(this.macs, key, { high, text });
    return text;
  }
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

/** RFC 5952 text form: lower-case hex, longest run of zero groups as '::', IPv4-mapped as dotted quad. */
export function formatIpv6(buf: Buffer, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(offset + i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${buf[offset + 12]}.${buf[offset + 13]}.${buf[offset + 14]}.${buf[offset + 15]}`;
  }
  const [start, length] = longestZeroRun(groups);
  if (length < 2) return groups.map(hex).join(':');
  return `${groups.slice(0, start).map(hex).join(':')}::${groups.slice(start + length).map(hex).join(':')}`;
}

function longestZeroRun(groups: number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best[1]) best = [i, j - i];
    i = j;
  }
  return best;
}

function hex(group: number): string {
  return group.toString(16);
}
