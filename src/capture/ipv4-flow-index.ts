/** What the index reads from a flow to match it: its protocol and its canonical IPv4 key. */
export interface Ipv4Keyed {
  readonly protocol: number;
  /** The two addresses as 32-bit integers, in the flow table's canonical order. */
  ipv4A: number;
  ipv4B: number;
  /** Both ports (or ICMP type and code) as one integer, see `portPair`. */
  readonly keyC: number;
}

const INITIAL_SLOTS = 1024;

/**
 * Open flows keyed by (protocol, IPv4 address, IPv4 address, ports), all
 * integers: a lookup hashes four numbers and probes one array. Keying on the
 * address strings took three nested Map lookups per packet, a sixth of the
 * flow table's time. The flows themselves hold the key, so the index stores
 * nothing else. Linear probing at most half full, with backward-shift deletion
 * (no tombstones, so probes stay short however many flows come and go).
 */
export class Ipv4FlowIndex<F extends Ipv4Keyed> {
  private slots: (F | undefined)[] = new Array<F | undefined>(INITIAL_SLOTS).fill(undefined);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(protocol: number, a: number, b: number, ports: number): F | undefined {
    const slots = this.slots;
    for (let i = slotOf(protocol, a, b, ports) & this.mask; ; i = (i + 1) & this.mask) {
      const flow = slots[i];
      if (flow === undefined) return undefined;
      if (flow.ipv4A === a && flow.ipv4B === b && flow.keyC === ports && flow.protocol === protocol) return flow;
    }
  }

  /** Files the flow under its key, replacing any flow with the same key. */
  set(flow: F): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const i = this.findSlot(flow.protocol, flow.ipv4A, flow.ipv4B, flow.keyC);
    if (this.slots[i] === undefined) this.count++;
    this.slots[i] = flow;
  }

  /** Removes this flow (not just one with its key); nothing when it is not filed. */
  delete(flow: F): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = slotOf(flow.protocol, flow.ipv4A, flow.ipv4B, flow.keyC) & mask;
    while (slots[hole] !== flow) {
      if (slots[hole] === undefined) return;
      hole = (hole + 1) & mask;
    }
    this.count--;
    // Moves back every later flow of the run that may not sit past the hole, so no probe meets a gap early.
    for (let i = (hole + 1) & mask; ; i = (i + 1) & mask) {
      const next = slots[i];
      if (next === undefined) break;
      const home = slotOf(next.protocol, next.ipv4A, next.ipv4B, next.keyC) & mask;
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        slots[hole] = next;
        hole = i;
      }
    }
    slots[hole] = undefined;
  }

  clear(): void {
    this.slots = new Array<F | undefined>(INITIAL_SLOTS).fill(undefined);
    this.mask = INITIAL_SLOTS - 1;
    this.count = 0;
  }

  /** The slot holding the key, or the empty slot where it belongs. */
  private findSlot(protocol: number, a: number, b: number, ports: number): number {
    const slots = this.slots;
    let i = slotOf(protocol, a, b, ports) & this.mask;
    for (let flow = slots[i]; flow !== undefined; flow = slots[i]) {
      if (flow.ipv4A === a && flow.ipv4B === b && flow.keyC === ports && flow.protocol === protocol) return i;
      i = (i + 1) & this.mask;
    }
    return i;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Array<F | undefined>(old.length * 2).fill(undefined);
    this.mask = this.slots.length - 1;
    for (const flow of old) if (flow !== undefined) this.slots[this.findSlot(flow.protocol, flow.ipv4A, flow.ipv4B, flow.keyC)] = flow;
  }
}

/** Mixes every part into the high bits and folds them down (addresses often differ only in their last byte). */
function slotOf(protocol: number, a: number, b: number, ports: number): number {
  let h = Math.imul(a ^ protocol, 0x9e3779b1);
  h = Math.imul(h ^ b, 0x85ebca6b);
  h = Math.imul(h ^ ports, 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}
