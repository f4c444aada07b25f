/**
 * Builds capture fixtures byte by byte: frames (Ethernet with VLAN tags, Linux
 * cooked v1/v2, raw IP, BSD loopback), IPv4/IPv6/ARP, TCP/UDP/ICMP, and whole
 * classic pcap (both byte orders, µs/ns) or pcapng files (several sections
 * and interfaces, either byte order). Tests make their own captures with it,
 * including deliberately broken ones.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export type ByteOrder = 'le' | 'be';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_ARP = 0x0806;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

// ---------------------------------------------------------------- addresses

/** Parsed addresses, shared: callers only copy from them. Keeps million-packet fixtures quick to build. */
const parsedAddresses = new Map<string, Buffer>();

function parsed(text: string, parse: (text: string) => Buffer): Buffer {
  let bytes = parsedAddresses.get(text);
  if (!bytes) {
    bytes = parse(text);
    if (parsedAddresses.size > 100_000) parsedAddresses.clear();
    parsedAddresses.set(text, bytes);
  }
  return bytes;
}

export function macBytes(mac: string): Buffer {
  return parsed(mac, (text) => Buffer.from(text.split(':').map((part) => parseInt(part, 16))));
}

export function ipv4Bytes(ip: string): Buffer {
  return parsed(ip, (text) => Buffer.from(text.split('.').map(Number)));
}

export function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (text: string): number[] => (text ? text.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((group, i) => out.writeUInt16BE(group, i * 2));
  return out;
}

function payloadBytes(payload: Buffer | number | undefined): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return typeof payload === 'number' ? Buffer.alloc(payload, 0x61) : payload;
}

// ---------------------------------------------------------------- link layers

export interface EthernetOptions {
  src?: string;
  dst?: string;
  /** Outer to inner; each tag uses the matching `vlanTpids` entry or 0x8100. */
  vlans?: number[];
  vlanTpids?: number[];
  etherType: number;
  payload: Buffer;
}

export function ethernet(o: EthernetOptions): Buffer {
  const tags = (o.vlans ?? []).map((vlan, i) => {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(o.vlanTpids?.[i] ?? 0x8100, 0);
    tag.writeUInt16BE(vlan & 0x0fff, 2);
    return tag;
  });
  const header = Buffer.alloc(12);
  macBytes(o.dst ?? '02:00:00:00:00:02').copy(header, 0);
  macBytes(o.src ?? '02:00:00:00:00:01').copy(header, 6);
  const type = Buffer.alloc(2);
  type.writeUInt16BE(o.etherType, 0);
  return Buffer.concat([header, ...tags, type, o.payload]);
}

export interface CookedOptions {
  srcMac?: string;
  protocol: number;
  payload: Buffer;
  /** 0 = to us, 4 = sent by us. */
  packetType?: number;
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113). */
export function linuxSll(o: CookedOptions): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(o.packetType ?? 0, 0);
  header.writeUInt16BE(1, 2); // ARPHRD_ETHER
  header.writeUInt16BE(6, 4);
  macBytes(o.srcMac ?? '02:00:00:00:00:01').copy(header, 6);
  header.writeUInt16BE(o.protocol, 14);
  return Buffer.concat([header, o.payload]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276). */
export function linuxSll2(o: CookedOptions & { interfaceIndex?: number }): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(o.protocol, 0);
  header.writeUInt32BE(o.interfaceIndex ?? 2, 4);
  header.writeUInt16BE(1, 8); // ARPHRD_ETHER
  header[10] = o.packetType ?? 0;
  header[11] = 6;
  macBytes(o.srcMac ?? '02:00:00:00:00:01').copy(header, 12);
  return Buffer.concat([header, o.payload]);
}

/** BSD loopback (LINKTYPE_NULL, 0): address family in the capturing host's byte order. */
export function nullLoopback(o: { family: number; payload: Buffer; byteOrder?: ByteOrder }): Buffer {
  const header = Buffer.alloc(4);
  if (o.byteOrder === 'be') header.writeUInt32BE(o.family, 0);
  else header.writeUInt32LE(o.family, 0);
  return Buffer.concat([header, o.payload]);
}

// ---------------------------------------------------------------- network layer

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  payload: Buffer;
  ttl?: number;
  id?: number;
  moreFragments?: boolean;
  /** Bytes; a multiple of 8. */
  fragmentOffset?: number;
  /** Padded to a multiple of 4. */
  options?: Buffer;
  /** Overrides the computed total length (for malformed packets). */
  totalLength?: number;
}

export function ipv4(o: Ipv4Options): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const optionBytes = Buffer.concat([options, Buffer.alloc((4 - (options.length % 4)) % 4)]);
  const header = Buffer.alloc(20 + optionBytes.length);
  header[0] = 0x40 | (header.length / 4);
  header.writeUInt16BE(o.totalLength ?? header.length + o.payload.length, 2);
  header.writeUInt16BE(o.id ?? 1, 4);
  header.writeUInt16BE((o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8), 6);
  header[8] = o.ttl ?? 64;
  header[9] = o.protocol;
  ipv4Bytes(o.src).copy(header, 12);
  ipv4Bytes(o.dst).copy(header, 16);
  optionBytes.copy(header, 20);
  header.writeUInt16BE(checksum(header), 10);
  return Buffer.concat([header, o.payload]);
}

export type Ipv6Extension =
  | { header: 'hop-by-hop' | 'destination' | 'routing'; length?: number }
  | { header: 'fragment'; offset: number; more: boolean; id?: number };

const EXTENSION_NUMBERS = { 'hop-by-hop': 0, routing: 43, fragment: 44, destination: 60 } as const;

export function ipv6(o: { src: string; dst: string; nextHeader: number; payload: Buffer; extensions?: Ipv6Extension[]; hopLimit?: number }): Buffer {
  const extensions = o.extensions ?? [];
  const headers = extensions.map((ext, i) => ipv6ExtensionBytes(ext, i + 1 < extensions.length ? EXTENSION_NUMBERS[extensions[i + 1].header] : o.nextHeader));
  const body = Buffer.concat([...headers, o.payload]);
  const fixed = Buffer.alloc(40);
  fixed.writeUInt32BE(0x60000000, 0);
  fixed.writeUInt16BE(body.length, 4);
  fixed[6] = extensions.length > 0 ? EXTENSION_NUMBERS[extensions[0].header] : o.nextHeader;
  fixed[7] = o.hopLimit ?? 64;
  ipv6Bytes(o.src).copy(fixed, 8);
  ipv6Bytes(o.dst).copy(fixed, 24);
  return Buffer.concat([fixed, body]);
}

function ipv6ExtensionBytes(ext: Ipv6Extension, next: number): Buffer {
  if (ext.header === 'fragment') {
    const fragment = Buffer.alloc(8);
    fragment[0] = next;
    fragment.writeUInt16BE((ext.offset / 8) << 3 | (ext.more ? 1 : 0), 2);
    fragment.writeUInt32BE(ext.id ?? 7, 4);
    return fragment;
  }
  const units = ext.length ?? 0; // length in 8-byte units beyond the first 8
  const header = Buffer.alloc(8 + units * 8);
  header[0] = next;
  header[1] = units;
  return header;
}

export function arp(o: { op: number; senderMac: string; senderIp: string; targetMac?: string; targetIp: string }): Buffer {
  const body = Buffer.alloc(28);
  body.writeUInt16BE(1, 0);
  body.writeUInt16BE(ETHERTYPE_IPV4, 2);
  body[4] = 6;
  body[5] = 4;
  body.writeUInt16BE(o.op, 6);
  macBytes(o.senderMac).copy(body, 8);
  ipv4Bytes(o.senderIp).copy(body, 14);
  macBytes(o.targetMac ?? '00:00:00:00:00:00').copy(body, 18);
  ipv4Bytes(o.targetIp).copy(body, 24);
  return body;
}

// ---------------------------------------------------------------- transport layer

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  /** Letters of FSRPAUEC, e.g. 'S', 'SA', 'PA', 'FA'. */
  flags: string;
  seq?: number;
  ack?: number;
  window?: number;
  /** Bytes, or a length of filler bytes. */
  payload?: Buffer | number;
  /** TCP options, padded to a multiple of 4. */
  options?: Buffer;
}

export function tcp(o: TcpOptions): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const optionBytes = Buffer.concat([options, Buffer.alloc((4 - (options.length % 4)) % 4)]);
  const header = Buffer.alloc(20 + optionBytes.length);
  header.writeUInt16BE(o.srcPort, 0);
  header.writeUInt16BE(o.dstPort, 2);
  header.writeUInt32BE((o.seq ?? 1000) >>> 0, 4);
  header.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  header[12] = (header.length / 4) << 4;
  for (const letter of o.flags) header[13] |= FLAG_BITS[letter] ?? 0;
  header.writeUInt16BE(o.window ?? 65535, 14);
  optionBytes.copy(header, 20);
  return Buffer.concat([header, payloadBytes(o.payload)]);
}

export function udp(o: { srcPort: number; dstPort: number; payload?: Buffer | number; length?: number }): Buffer {
  const payload = payloadBytes(o.payload);
  const header = Buffer.alloc(8);
  header.writeUInt16BE(o.srcPort, 0);
  header.writeUInt16BE(o.dstPort, 2);
  header.writeUInt16BE(o.length ?? 8 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** ICMP or ICMPv6: type, code, checksum, 4 bytes of rest-of-header, payload. */
export function icmp(o: { type: number; code?: number; rest?: number; payload?: Buffer | number }): Buffer {
  const header = Buffer.alloc(8);
  header[0] = o.type;
  header[1] = o.code ?? 0;
  header.writeUInt32BE(o.rest ?? 0, 4);
  return Buffer.concat([header, payloadBytes(o.payload)]);
}

function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  if (bytes.length % 2) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// ---------------------------------------------------------------- whole packets

export interface Endpoint {
  ip: string;
  port: number;
  mac?: string;
}

/** Ethernet + IPv4 or IPv6 (by the address) + the given transport bytes. */
export function ipFrame(src: Endpoint, dst: Endpoint, protocol: number, transport: Buffer, vlans?: number[]): Buffer {
  const v6 = src.ip.includes(':');
  const payload = v6
    ? ipv6({ src: src.ip, dst: dst.ip, nextHeader: protocol, payload: transport })
    : ipv4({ src: src.ip, dst: dst.ip, protocol, payload: transport });
  return ethernet({ src: src.mac, dst: dst.mac, vlans, etherType: v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, payload });
}

export function tcpFrame(src: Endpoint, dst: Endpoint, o: Omit<TcpOptions, 'srcPort' | 'dstPort'>): Buffer {
  return ipFrame(src, dst, PROTO_TCP, tcp({ ...o, srcPort: src.port, dstPort: dst.port }));
}

export function udpFrame(src: Endpoint, dst: Endpoint, payload: Buffer | number = 0): Buffer {
  return ipFrame(src, dst, PROTO_UDP, udp({ srcPort: src.port, dstPort: dst.port, payload }));
}

export function icmpFrame(src: Endpoint, dst: Endpoint, type: number, code = 0, payload: Buffer | number = 0): Buffer {
  return ipFrame(src, dst, src.ip.includes(':') ? PROTO_ICMPV6 : PROTO_ICMP, icmp({ type, code, payload }));
}

export function arpFrame(op: number, sender: Endpoint & { mac: string }, targetIp: string): Buffer {
  return ethernet({
    src: sender.mac,
    dst: 'ff:ff:ff:ff:ff:ff',
    etherType: ETHERTYPE_ARP,
    payload: arp({ op, senderMac: sender.mac, senderIp: sender.ip, targetIp }),
  });
}

// ---------------------------------------------------------------- classic pcap

export interface PcapRecord {
  timestampMs: number;
  data: Buffer;
  originalLength?: number;
  /** Overrides the record header's captured length (for malformed files). */
  capturedLength?: number;
}

export interface PcapFileOptions {
  linkType?: number;
  byteOrder?: ByteOrder;
  precision?: 'us' | 'ns';
  snaplen?: number;
  records: PcapRecord[];
}

export function pcapHeader(o: Omit<PcapFileOptions, 'records'>): Buffer {
  const header = Buffer.alloc(24);
  const le = (o.byteOrder ?? 'le') === 'le';
  const u32 = (value: number, at: number): number => (le ? header.writeUInt32LE(value, at) : header.writeUInt32BE(value, at));
  const u16 = (value: number, at: number): number => (le ? header.writeUInt16LE(value, at) : header.writeUInt16BE(value, at));
  u32(o.precision === 'ns' ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(2, 4);
  u16(4, 6);
  u32(o.snaplen ?? 262144, 16);
  u32(o.linkType ?? 1, 20);
  return header;
}

export function pcapRecord(record: PcapRecord, byteOrder: ByteOrder = 'le', precision: 'us' | 'ns' = 'us'): Buffer {
  const header = Buffer.alloc(16);
  const le = byteOrder === 'le';
  const u32 = (value: number, at: number): number => (le ? header.writeUInt32LE(value, at) : header.writeUInt32BE(value, at));
  const { seconds, fraction } = splitTimestamp(record.timestampMs, precision === 'ns' ? 1e9 : 1e6);
  u32(seconds, 0);
  u32(fraction, 4);
  u32(record.capturedLength ?? record.data.length, 8);
  u32(record.originalLength ?? record.data.length, 12);
  return Buffer.concat([header, record.data]);
}

export function pcapFile(o: PcapFileOptions): Buffer {
  const byteOrder = o.byteOrder ?? 'le';
  return Buffer.concat([pcapHeader(o), ...o.records.map((r) => pcapRecord(r, byteOrder, o.precision))]);
}

/** Whole seconds and the sub-second part in `unitsPerSecond`, exact for µs-precise millisecond values. */
function splitTimestamp(timestampMs: number, unitsPerSecond: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(timestampMs / 1000);
  const fraction = Math.round(((timestampMs - seconds * 1000) / 1000) * unitsPerSecond);
  return { seconds, fraction };
}

// ---------------------------------------------------------------- pcapng

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** Raw if_tsresol byte: 6 = µs (default), 9 = ns, 0x80 | n = 2^-n s. */
  tsresol?: number;
  tsoffsetSeconds?: number;
}

export type PcapngBlock =
  | { type: 'epb'; interfaceId: number; timestampMs: number; data: Buffer; originalLength?: number; capturedLength?: number }
  | { type: 'spb'; data: Buffer; originalLength?: number }
  | { type: 'custom'; blockType: number; body: Buffer }
  /** Bytes written as they are: for broken blocks. */
  | { type: 'raw'; bytes: Buffer };

export interface PcapngSection {
  byteOrder?: ByteOrder;
  interfaces: PcapngInterface[];
  blocks: PcapngBlock[];
}

export function pcapngFile(sections: PcapngSection[]): Buffer {
  return Buffer.concat(sections.map(pcapngSection));
}

function pcapngSection(section: PcapngSection): Buffer {
  const w = new BlockWriter(section.byteOrder ?? 'le');
  const shb = Buffer.alloc(16);
  w.u32(shb, 0x1a2b3c4d, 0);
  w.u16(shb, 1, 4);
  w.u16(shb, 0, 6);
  shb.fill(0xff, 8, 16); // section length unknown
  const parts = [w.block(0x0a0d0d0a, shb)];
  for (const iface of section.interfaces) parts.push(interfaceBlock(w, iface));
  for (const block of section.blocks) parts.push(packetBlock(w, block, section.interfaces));
  return Buffer.concat(parts);
}

function interfaceBlock(w: BlockWriter, iface: PcapngInterface): Buffer {
  const fixed = Buffer.alloc(8);
  w.u16(fixed, iface.linkType, 0);
  w.u32(fixed, iface.snaplen ?? 0, 4);
  const options: Buffer[] = [];
  if (iface.tsresol !== undefined) options.push(w.option(9, Buffer.from([iface.tsresol])));
  if (iface.tsoffsetSeconds !== undefined) {
    const value = Buffer.alloc(8);
    if (w.le) value.writeBigInt64LE(BigInt(iface.tsoffsetSeconds));
    else value.writeBigInt64BE(BigInt(iface.tsoffsetSeconds));
    options.push(w.option(14, value));
  }
  if (options.length > 0) options.push(Buffer.alloc(4)); // opt_endofopt
  return w.block(1, Buffer.concat([fixed, ...options]));
}

function packetBlock(w: BlockWriter, block: PcapngBlock, interfaces: PcapngInterface[]): Buffer {
  if (block.type === 'raw') return block.bytes;
  if (block.type === 'custom') return w.block(block.blockType, block.body);
  if (block.type === 'spb') {
    const fixed = Buffer.alloc(4);
    w.u32(fixed, block.originalLength ?? block.data.length, 0);
    return w.block(3, Buffer.concat([fixed, pad4(block.data)]));
  }
  const fixed = Buffer.alloc(20);
  const units = timestampUnits(block.timestampMs, interfaces[block.interfaceId]?.tsresol ?? 6);
  w.u32(fixed, block.interfaceId, 0);
  w.u32(fixed, Number(units >> 32n), 4);
  w.u32(fixed, Number(units & 0xffffffffn), 8);
  w.u32(fixed, block.capturedLength ?? block.data.length, 12);
  w.u32(fixed, block.originalLength ?? block.data.length, 16);
  return w.block(6, Buffer.concat([fixed, pad4(block.data)]));
}

function timestampUnits(timestampMs: number, tsresol: number): bigint {
  if (tsresol & 0x80) return BigInt(Math.round((timestampMs / 1000) * 2 ** (tsresol & 0x7f)));
  const unitsPerSecond = 10n ** BigInt(tsresol);
  const { seconds, fraction } = splitTimestamp(timestampMs, 1e6);
  // µs-precise input: scale the microseconds exactly into the interface's unit.
  const micros = BigInt(seconds) * 1_000_000n + BigInt(fraction);
  return tsresol >= 6 ? micros * (unitsPerSecond / 1_000_000n) : micros / (1_000_000n / unitsPerSecond);
}

function pad4(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
}

class BlockWriter {
  readonly le: boolean;
  constructor(byteOrder: ByteOrder) {
    this.le = byteOrder === 'le';
  }

  u16(buf: Buffer, value: number, at: number): void {
    if (this.le) buf.writeUInt16LE(value, at);
    else buf.writeUInt16BE(value, at);
  }

  u32(buf: Buffer, value: number, at: number): void {
    if (this.le) buf.writeUInt32LE(value >>> 0, at);
    else buf.writeUInt32BE(value >>> 0, at);
  }

  option(code: number, value: Buffer): Buffer {
    const header = Buffer.alloc(4);
    this.u16(header, code, 0);
    this.u16(header, value.length, 2);
    return Buffer.concat([header, pad4(value)]);
  }

  /** Type, total length, body (padded), total length again. */
  block(type: number, body: Buffer): Buffer {
    const padded = pad4(body);
    const head = Buffer.alloc(8);
    const tail = Buffer.alloc(4);
    this.u32(head, type, 0);
    this.u32(head, padded.length + 12, 4);
    this.u32(tail, padded.length + 12, 0);
    return Buffer.concat([head, padded, tail]);
  }
}

// ---------------------------------------------------------------- large files

/** Writes a classic pcap file record by record, buffering writes, for million-packet fixtures. */
export class PcapFileWriter {
  private readonly fd: number;
  private chunk = Buffer.alloc(4 * 1024 * 1024);
  private used = 0;

  constructor(path: string, linkType = 1) {
    this.fd = openSync(path, 'w');
    this.append(pcapHeader({ linkType }));
  }

  write(timestampMs: number, data: Buffer): void {
    const header = Buffer.alloc(16);
    const { seconds, fraction } = splitTimestamp(timestampMs, 1e6);
    header.writeUInt32LE(seconds, 0);
    header.writeUInt32LE(fraction, 4);
    header.writeUInt32LE(data.length, 8);
    header.writeUInt32LE(data.length, 12);
    this.append(header);
    this.append(data);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private append(bytes: Buffer): void {
    if (this.used + bytes.length > this.chunk.length) this.flush();
    bytes.copy(this.chunk, this.used);
    this.used += bytes.length;
  }

  private flush(): void {
    writeSync(this.fd, this.chunk, 0, this.used);
    this.used = 0;
  }
}
