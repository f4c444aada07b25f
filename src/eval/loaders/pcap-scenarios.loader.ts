import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCaptureStats,
  FlowTable,
  PacketDecoder,
  readPackets,
  FlowFeatures,
  type CapturedPacket,
} from '../../capture';
import { ADDRESS_EXTERNAL, ADDRESS_INTERNAL, ADDRESS_IPV6, ADDRESS_MULTICAST, classifyAddress } from '../../features/address.features';
import type { TrafficRecord } from '../../records/traffic-record';
import { subsampleAttacks, type EvalSet } from '../eval-set';
import type { FlowOptions } from './ctu-zeek.loader';

interface Capture {
  /** Path under pcaps/, e.g. "attack/portscan/cs_portscan.pcap". */
  name: string;
  attack: boolean;
  packets: CapturedPacket[];
}

/** Every capture starts at this instant after the time shift, so benign and attack traffic overlap. */
const MERGE_START_MS = Date.UTC(2024, 0, 15, 18, 0, 0);

async function readCapture(root: string, name: string): Promise<Capture> {
  const packets: CapturedPacket[] = [];
  for await (const p of readPackets(createReadStream(join(root, name)))) packets.push(p);
  return { name, attack: name.startsWith('attack/'), packets };
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const socketKey = (a: string, aPort: number, b: string, bPort: number) => pairKey(`${a} ${aPort}`, `${b} ${bPort}`);

/** Which captures used an address pair, and which used each socket pair (address and port at both ends). */
class Owners {
  private readonly pairs = new Map<string, Set<number>>();
  private readonly sockets = new Map<string, Set<number>>();

  add(source: number, a: string, aPort: number, b: string, bPort: number): void {
    for (const [map, key] of [[this.pairs, pairKey(a, b)], [this.sockets, socketKey(a, aPort, b, bPort)]] as const) {
      const owners = map.get(key) ?? new Set<number>();
      map.set(key, owners.add(source));
    }
  }

  /** The socket pair decides when it was seen; port-less flows (ICMP) fall back to the address pair. */
  of(r: TrafficRecord): number[] {
    const socket = this.sockets.get(socketKey(r.srcIp ?? '', r.srcPort ?? -1, r.destIp ?? '', r.destPort ?? -1));
    return [...(socket ?? this.pairs.get(pairKey(r.srcIp ?? '', r.destIp ?? '')) ?? [])];
  }
}

/**
 * Merges captures the way `mergecap` would after shifting each to start at the
 * same instant, then turns the one packet stream into flows (and windowed
 * features) as the capture pipeline does. A flow is labelled by the capture
 * its packets came from; `ambiguous` counts flows whose endpoints occur in an
 * attack capture and a benign one (they are labelled attack): after
 * separateAddresses, only flows between group addresses can be.
 */
function mergedFlows(captures: readonly Capture[], options: FlowOptions): { records: TrafficRecord[]; sources: string[]; ambiguous: number } {
  const stream = captures.flatMap((c, source) => {
    const first = c.packets.reduce((min, p) => Math.min(min, p.timestampMs), Infinity);
    return c.packets.map((p) => ({ p, source, at: p.timestampMs - first + MERGE_START_MS }));
  });
  stream.sort((a, b) => a.at - b.at);
  const owners = new Owners();
  const records: TrafficRecord[] = [];
  const sources: string[] = [];
  let ambiguous = 0;
  const features = options.windowed ? new FlowFeatures() : undefined;
  const table = new FlowTable((record) => {
    features?.annotate(record);
    const owner = owners.of(record);
    const attackOwner = owner.find((s) => captures[s].attack);
    if (attackOwner !== undefined && owner.some((s) => !captures[s].attack)) ambiguous++;
    const source = attackOwner ?? owner[0];
    record.label = captures[source].attack ? 'attack' : 'benign';
    records.push(record);
    sources.push(captures[source].name);
  });
  const decoder = new PacketDecoder(createCaptureStats());
  const remaps = separateAddresses(captures);
  for (const { p, source, at } of stream) {
    const frame = { ...p, offset: 0, timestampMs: at };
    if (!decoder.decode(frame)) continue;
    const packet = decoder.packet;
    const remap = remaps[source];
    if (remap !== undefined) {
      packet.srcIp = remap.get(packet.srcIp) ?? packet.srcIp;
      packet.dstIp = remap.get(packet.dstIp) ?? packet.dstIp;
    }
    owners.add(source, packet.srcIp, packet.srcPort, packet.dstIp, packet.dstPort);
    table.add(packet);
  }
  table.flush();
  return { records, sources, ambiguous };
}

/** Every address a capture's packets carry (as the decoder formats them). */
function addresses(capture: Capture): Set<string> {
  const decoder = new PacketDecoder(createCaptureStats());
  const seen = new Set<string>();
  for (const p of capture.packets) {
    if (!decoder.decode({ ...p, offset: 0 })) continue;
    seen.add(decoder.packet.srcIp).add(decoder.packet.dstIp);
  }
  return seen;
}

/**
 * The captures come from unrelated networks, yet some reuse the same private
 * (and even public) addresses, and all of them talk to the same multicast
 * groups: merged as they are, an attack capture's scanner would share its
 * address with a benign capture's phone, and the phone's flows would inherit
 * the scan's per-host features. Every address of an attack capture that a
 * benign capture also uses is moved to an unused one of the same class
 * (internal, external or multicast; v4 or v6; a /24 broadcast stays one),
 * which is all the features ever see of an address.
 */
function separateAddresses(captures: readonly Capture[]): (Map<string, string> | undefined)[] {
  const used = new Set(captures.filter((c) => !c.attack).flatMap((c) => [...addresses(c)]));
  const fresh = freshAddresses(new Set(used));
  return captures.map((capture) => {
    if (!capture.attack) return undefined;
    const remap = new Map<string, string>();
    for (const ip of addresses(capture)) if (used.has(ip) && classifyAddress(ip) >= 0) remap.set(ip, fresh(ip));
    return remap;
  });
}

/** Hands out addresses of the same class as the one given, from documentation, private and scoped ranges, never one in `used`. */
function freshAddresses(used: Set<string>): (like: string) => string {
  let n = 0;
  const octets = (i: number) => `${(i >> 8) & 255}.${i & 254}`;
  const pools: Record<number, (i: number) => string> = {
    [ADDRESS_INTERNAL]: (i) => `10.254.${octets(i)}`,
    [ADDRESS_EXTERNAL]: (i) => `203.0.${113 + ((i >> 8) & 3)}.${i & 254}`,
    [ADDRESS_MULTICAST]: (i) => `239.254.${octets(i)}`,
    [ADDRESS_INTERNAL | ADDRESS_IPV6]: (i) => `fd00:5ee::${i.toString(16)}`,
    [ADDRESS_EXTERNAL | ADDRESS_IPV6]: (i) => `2001:db8:5ee::${i.toString(16)}`,
    [ADDRESS_MULTICAST | ADDRESS_IPV6]: (i) => `ff05::5ee:${i.toString(16)}`,
  };
  const broadcast = (i: number) => `10.253.${i & 255}.255`;
  return (like) => {
    const pool = like.endsWith('.255') && classifyAddress(like) === ADDRESS_INTERNAL ? broadcast : pools[classifyAddress(like)];
    let ip: string;
    do ip = pool(++n); while (used.has(ip));
    used.add(ip);
    return ip;
  };
}

function captureNames(root: string): { benign: string[]; attack: string[] } {
  const list = (dir: string) => readdirSync(join(root, dir)).sort().map((f) => `${dir}/${f}`);
  const attack = readdirSync(join(root, 'attack')).sort().flatMap((kind) => list(`attack/${kind}`));
  return { benign: list('benign'), attack };
}

/**
 * One scenario per attack capture: train on the benign captures merged, test
 * on the benign captures merged with that attack capture, at flow level.
 * Attack flows beyond 5% of the scenario are subsampled.
 */
export async function pcapScenarios(dataDir: string, seed: number, options: FlowOptions): Promise<EvalSet[]> {
  const root = join(dataDir, 'pcaps');
  const names = captureNames(root);
  const benign = await Promise.all(names.benign.map((n) => readCapture(root, n)));
  const train = mergedFlows(benign, options);
  const sets: EvalSet[] = [];
  for (const [i, name] of names.attack.entries()) {
    const merged = mergedFlows([...benign, await readCapture(root, name)], options);
    const test = subsampleAttacks(merged.records, seed + i);
    sets.push({
      name: `pcap ${name.replace(/^attack\//, '')}`,
      kind: 'flow',
      train: train.records,
      test: test.records,
      testSources: test.kept.map((j) => merged.sources[j]),
      notes: [
        `train: ${train.records.length} flows of the ${benign.length} benign captures merged (time-shifted to one start)`,
        `test: the same benign captures merged with ${name}: ${test.note}` +
          (merged.ambiguous > 0 ? `; ${merged.ambiguous} flows had an address pair seen in the attack and a benign capture` : ''),
      ],
    });
  }
  return sets;
}
