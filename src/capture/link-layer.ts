import { Bytes } from './bytes';
import { Frame } from './capture.types';
import { DecodedPacket } from './decoded-packet';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { u16be, u32be, u32le } = Bytes;

/** LINKTYPE_* values (tcpdump.org/linktypes.html) this decoder understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as written by some BSDs; same content as RAW. */
  RAW_DLT12: 12,
  RAW_DLT14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  /** Pre-802.1ad double tagging still seen on older switches. */
  QINQ_LEGACY: 0x9100,
} as const;

export const LINK_UNKNOWN = -1;
export const LINK_TRUNCATED = -2;

const ARPHRD_ETHER = 1;
const AF_INET = 2;
/** AF_INET6 differs by OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30. */
const AF_INET6 = new Set([10, 24, 28, 30]);

/**
 * Peels the link-layer header: sets the packet's EtherType and MAC addresses
 * and returns where the network layer starts, or LINK_UNKNOWN / LINK_TRUNCATED.
 */
export function decodeLinkLayer(frame: Frame, packet: DecodedPacket): number {
  const buf = frame.data;
  const offset = frame.offset;
  const end = offset + frame.capturedLength;
  switch (frame.linkType) {
    case LinkType.ETHERNET:
      return ethernet(buf, offset, end, packet);
    case LinkType.LINUX_SLL:
      return linuxCooked(buf, offset, end, packet);
    case LinkType.LINUX_SLL2:
      return linuxCooked2(buf, offset, end, packet);
    case LinkType.RAW:
    case LinkType.RAW_DLT12:
    case LinkType.RAW_DLT14:
      return rawIp(buf, offset, end, packet);
    case LinkType.IPV4:
      packet.etherType = EtherType.IPV4;
      return offset;
    case LinkType.IPV6:
      packet.etherType = EtherType.IPV6;
      return offset;
    case LinkType.NULL:
      return loopback(buf, offset, end, packet, false);
    case LinkType.LOOP:
      return loopback(buf, offset, end, packet, true);
    default:
      return LINK_UNKNOWN;
  }
}

function ethernet(buf: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (end - offset < 14) return LINK_TRUNCATED;
  packet.dstMacAt = offset;
  packet.srcMacAt = offset + 6;
  return payloadAfterTags(buf, u16be(buf, offset + 12), offset + 14, end, packet);
}

/** Linux cooked v1: 16-byte header whose address is the sender's. */
function linuxCooked(buf: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (end - offset < 16) return LINK_TRUNCATED;
  if (u16be(buf, offset + 2) === ARPHRD_ETHER && u16be(buf, offset + 4) === 6) packet.srcMacAt = offset + 6;
  return payloadAfterTags(buf, u16be(buf, offset + 14), offset + 16, end, packet);
}

/** Linux cooked v2: protocol first, then interface index, then the sender's address. */
function linuxCooked2(buf: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (end - offset < 20) return LINK_TRUNCATED;
  if (u16be(buf, offset + 8) === ARPHRD_ETHER && buf[offset + 11] === 6) packet.srcMacAt = offset + 12;
  return payloadAfterTags(buf, u16be(buf, offset), offset + 20, end, packet);
}

/** Skips 802.1Q / 802.1ad tags (any depth) and records the innermost VLAN id. */
function payloadAfterTags(buf: Buffer, etherType: number, offset: number, end: number, packet: DecodedPacket): number {
  let type = etherType;
  let pos = offset;
  while (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_LEGACY) {
    if (end - pos < 4) return LINK_TRUNCATED;
    packet.vlanId = u16be(buf, pos) & 0x0fff;
    type = u16be(buf, pos + 2);
    pos += 4;
  }
  packet.etherType = type;
  return pos;
}

/** Raw IP: the version nibble tells IPv4 from IPv6; anything else fails IPv4's version check. */
function rawIp(buf: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (end - offset < 1) return LINK_TRUNCATED;
  packet.etherType = buf[offset] >> 4 === 6 ? EtherType.IPV6 : EtherType.IPV4;
  return offset;
}

/**
 * BSD loopback: a 4-byte address family. LINKTYPE_NULL stores it in the byte
 * order of the machine that captured, which the file does not record; families
 * are small numbers, so the order giving a small value is the right one.
 */
function loopback(buf: Buffer, offset: number, end: number, packet: DecodedPacket, networkOrder: boolean): number {
  if (end - offset < 4) return LINK_TRUNCATED;
  let family = networkOrder ? u32be(buf, offset) : u32le(buf, offset);
  if (family > 0xffff) family = u32be(buf, offset);
  packet.etherType = family === AF_INET ? EtherType.IPV4 : AF_INET6.has(family) ? EtherType.IPV6 : 0;
  return offset + 4;
}
