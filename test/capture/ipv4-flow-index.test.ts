import { Ipv4FlowIndex, Ipv4Keyed } from '../../src/capture/ipv4-flow-index';

function flow(protocol: number, a: number, b: number, ports: number): Ipv4Keyed {
  return { protocol, ipv4A: a, ipv4B: b, keyC: ports };
}

describe('IPv4 flow index', () => {
  it('finds a flow only by all four key parts', () => {
    const index = new Ipv4FlowIndex<Ipv4Keyed>();
    const f = flow(6, 0x0a000001, 0x0a000002, 0x1f900050);
    index.set(f);
    expect(index.get(6, 0x0a000001, 0x0a000002, 0x1f900050)).toBe(f);
    expect(index.get(17, 0x0a000001, 0x0a000002, 0x1f900050)).toBeUndefined();
    expect(index.get(6, 0x0a000002, 0x0a000001, 0x1f900050)).toBeUndefined();
    expect(index.get(6, 0x0a000001, 0x0a000002, 0x1f900051)).toBeUndefined();
  });

  it('replaces the flow filed under the same key', () => {
    const index = new Ipv4FlowIndex<Ipv4Keyed>();
    const first = flow(6, 1, 2, 3);
    const second = flow(6, 1, 2, 3);
    index.set(first);
    index.set(second);
    expect(index.size).toBe(1);
    expect(index.get(6, 1, 2, 3)).toBe(second);
    index.delete(first);
    expect(index.get(6, 1, 2, 3)).toBe(second);
  });

  it('keeps every flow reachable through growth and deletions in the middle of probe runs', () => {
    const index = new Ipv4FlowIndex<Ipv4Keyed>();
    // Negative addresses (above 127.255.255.255) and keys differing in one bit each: many collisions and long runs.
    const flows = Array.from({ length: 5000 }, (_, i) => flow(i % 2 ? 6 : 17, -(i >> 3), i & 7, (i * 7) | 0));
    for (const f of flows) index.set(f);
    expect(index.size).toBe(5000);
    flows.forEach((f, i) => {
      if (i % 3 !== 0) index.delete(f);
    });
    const kept = flows.filter((_, i) => i % 3 === 0);
    expect(index.size).toBe(kept.length);
    for (const f of flows) expect(index.get(f.protocol, f.ipv4A, f.ipv4B, f.keyC)).toBe(kept.includes(f) ? f : undefined);
  });

  it('ignores deleting a flow it does not hold, and forgets everything on clear', () => {
    const index = new Ipv4FlowIndex<Ipv4Keyed>();
    const f = flow(1, 5, 6, 7);
    index.set(f);
    index.delete(flow(1, 5, 6, 8));
    expect(index.size).toBe(1);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.get(1, 5, 6, 7)).toBeUndefined();
  });
});
