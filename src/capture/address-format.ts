import { Bytes } from './bytes';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { i32be, u16be } = Bytes;

/**
 * Formats addresses out of packet bytes, remembering recent results.
 *
 * A capture repeats the same few addresses millions of times. The IPv4 and
 * MAC caches are direct-mapped (a slot per hash, a clash overwrites), which
 * makes a hit an array read, and they hand out the same string instance for
 * the same address, whose hash V8 keeps, so the flow and feature tables that
 * key on it hash it once. IPv6 is rarer and uses a Map cleared when full.
 * Memory is fixed either way.
 */
const SLOTS = 1 << 16;
const IPV6_CACHE_LIMIT = 65_536;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export class AddressFormatter {
  private readonly ipv4Keys = new Int32Array(SLOTS);
  private readonly ipv4Text: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly macLow = new Int32Array(SLOTS);
  private readonly macHigh = new Int32Array(SLOTS);
  private readonly macText: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly ipv6 = new Map<string, string>();

  ipv4At(buf: Buffer, offset: number): string {
    const key = i32be(buf, offset);
    const slot = slotOf(key);
    const cached = this.ipv4Text[slot];
    if (cached !== undefined && this.ipv4Keys[slot] === key) return cached;
    const text = `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
    this.ipv4Keys[slot] = key;
    this.ipv4Text[slot] = text;
    return text;
  }

  ipv6At(buf: Buffer, offset: number): string {
    const key = buf.toString('latin1', offset, offset + 16);
    let text = this.ipv6.get(key);
    if (text === undefined) {
      text = formatIpv6(buf, offset);
      if (this.ipv6.size >= IPV6_CACHE_LIMIT) this.ipv6.clear();
      this.ipv6.set(key, text);
    }
    return text;
  }

  macAt(buf: Buffer, offset: number): string {
    const low = i32be(buf, offset + 2);
    const high = u16be(buf, offset);
    const slot = slotOf(low ^ high);
    const cached = this.macText[slot];
    if (cached !== undefined && this.macLow[slot] === low && this.macHigh[slot] === high) return cached;
    const text = `${HEX[buf[offset]]}:${HEX[buf[offset + 1]]}:${HEX[buf[offset + 2]]}:${HEX[buf[offset + 3]]}:${HEX[buf[offset + 4]]}:${HEX[buf[offset + 5]]}`;
    this.macLow[slot] = low;
    this.macHigh[slot] = high;
    this.macText[slot] = text;
    return text;
  }
}

/** Mixes all 32 bits into a slot index (addresses often differ only in their last byte). */
function slotOf(key: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 16) & (SLOTS - 1);
}

/** RFC 5952 text form: lower-case hex, longest run of zero groups as '::', IPv4-mapped as dotted quad. */
export function formatIpv6(buf: Buffer, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(u16be(buf, offset + i * 2));
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
