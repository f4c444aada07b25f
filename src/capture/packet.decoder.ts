import { AddressFormatter } from './address-format';
import { Bytes } from './bytes';
import { CaptureStats, countReason, Frame } from './capture.types';
import { DecodedPacket } from './decoded-packet';
import { readDnsQuestion } from './dns-query';
import { decodeLinkLayer, EtherType, LINK_UNKNOWN } from './link-layer';
import { IpProtocol, protocolName } from './protocols';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { u16be, i32be } = Bytes;
const { TCP, UDP, ICMP, ICMPV6, ARP } = IpProtocol;
const { IPV4, IPV6 } = EtherType;
const ETHERTYPE_ARP = EtherType.ARP;
const DNS_PORT = 53;
const UDP_HEADER = 8;

/** IPv6 extension headers walked to reach the transport header (ESP is opaque and ends the chain). */
const IPV6_EXTENSIONS = new Set([0, 43, 44, 51, 60, 135, 139, 140, 253, 254]);
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
/** Deeper chains are attacks on parsers, not traffic. */
const MAX_IPV6_EXTENSIONS = 8;

/** No error: every check below returns either this or a malformed-reason name. */
const OK = '';

/**
 * Decodes link, network and transport headers of one frame into a reused
 * DecodedPacket. Every way a frame can fail is counted in the stats by reason;
 * nothing throws. Only headers are read: a frame cut by the snap length still
 * decodes when its headers were captured, with sizes taken from the headers.
 */
export class PacketDecoder {
  private readonly addresses = new AddressFormatter();
  readonly packet = new DecodedPacket(this.addresses);
  /** Bytes the frame had on the wire from the network layer on, for IP length checks. */
  private wireBytes = 0;

  constructor(private readonly stats: CaptureStats) {}

  /** True when `this.packet` now holds the frame's packet; otherwise the frame was counted and skipped. */
  decode(frame: Frame): boolean {
    const packet = this.packet;
    packet.reset(frame.timestampMs, frame.originalLength, frame.data);
    const start = decodeLinkLayer(frame, packet);
    if (start < 0) {
      if (start === LINK_UNKNOWN) this.stats.unknownLinkType++;
      else countReason(this.stats.malformed, 'truncated_link_header');
      return false;
    }
    this.wireBytes = frame.originalLength - (start - frame.offset);
    const reason = this.network(frame.data, start, frame.offset + frame.capturedLength);
    if (reason === OK) {
      this.stats.decoded++;
      return true;
    }
    countReason(reason === 'non_ip' ? this.stats.skipped : this.stats.malformed, reason);
    return false;
  }

  private network(buf: Buffer, offset: number, end: number): string {
    switch (this.packet.etherType) {
      case IPV4:
        return this.ipv4(buf, offset, end);
      case IPV6:
        return this.ipv6(buf, offset, end);
      case ETHERTYPE_ARP:
        return this.arp(buf, offset, end);
      default:
        return 'non_ip';
    }
  }

  private ipv4(buf: Buffer, offset: number, end: number): string {
    if (end - offset < 20) return 'truncated_ipv4';
    if (buf[offset] >> 4 !== 4) return 'bad_ip_version';
    const headerLength = (buf[offset] & 0x0f) * 4;
    if (headerLength < 20) return 'bad_ipv4_header_length';
    if (end - offset < headerLength) return 'truncated_ipv4';
    // Total length 0 is what TCP segmentation offload leaves in locally captured packets.
    const declared = u16be(buf, offset + 2);
    const totalLength = declared === 0 ? this.wireBytes : declared;
    if (totalLength < headerLength) return 'bad_ipv4_total_length';
    if (totalLength > this.wireBytes) return 'ipv4_length_exceeds_frame';
    const packet = this.packet;
    packet.protocol = buf[offset + 9];
    this.ipv4Addresses(buf, offset + 12, offset + 16);
    packet.ipLength = totalLength;
    packet.fragment = (u16be(buf, offset + 6) & 0x1fff) !== 0;
    return this.transport(buf, offset + headerLength, end, totalLength - headerLength);
  }

  /** Sets both addresses, as text and as the integers the flow table keys on. */
  private ipv4Addresses(buf: Buffer, srcAt: number, dstAt: number): void {
    const packet = this.packet;
    packet.srcIp = packet.srcIpv4Text = this.addresses.ipv4At(buf, srcAt);
    packet.dstIp = packet.dstIpv4Text = this.addresses.ipv4At(buf, dstAt);
    packet.srcIpv4 = i32be(buf, srcAt);
    packet.dstIpv4 = i32be(buf, dstAt);
  }

  private ipv6(buf: Buffer, offset: number, end: number): string {
    if (end - offset < 40) return 'truncated_ipv6';
    if (buf[offset] >> 4 !== 6) return 'bad_ip_version';
    const declared = u16be(buf, offset + 4);
    // Payload length 0 means a jumbogram or segmentation offload: trust the frame.
    const totalLength = declared === 0 ? this.wireBytes : 40 + declared;
    if (totalLength > this.wireBytes) return 'ipv6_length_exceeds_frame';
    const packet = this.packet;
    packet.srcIp = this.addresses.ipv6At(buf, offset + 8);
    packet.dstIp = this.addresses.ipv6At(buf, offset + 24);
    packet.ipLength = totalLength;
    return this.ipv6Extensions(buf, buf[offset + 6], offset + 40, end, totalLength - 40);
  }

  /** Walks extension headers to the transport protocol; a non-first fragment stops the walk. */
  private ipv6Extensions(buf: Buffer, firstHeader: number, offset: number, end: number, payloadLength: number): string {
    let next = firstHeader;
    let pos = offset;
    let remaining = payloadLength;
    for (let depth = 0; depth < MAX_IPV6_EXTENSIONS && IPV6_EXTENSIONS.has(next) && !this.packet.fragment; depth++) {
      if (end - pos < 8) return 'truncated_ipv6_extension';
      const length = next === IPV6_FRAGMENT ? 8 : next === IPV6_AH ? (buf[pos + 1] + 2) * 4 : (buf[pos + 1] + 1) * 8;
      if (next === IPV6_FRAGMENT) this.packet.fragment = u16be(buf, pos + 2) >> 3 !== 0;
      next = buf[pos];
      pos += length;
      remaining -= length;
    }
    if (remaining < 0) return 'bad_ipv6_extension';
    this.packet.protocol = next;
    return this.transport(buf, pos, end, remaining);
  }

  private transport(buf: Buffer, offset: number, end: number, ipPayloadLength: number): string {
    const packet = this.packet;
    packet.protocolName = protocolName(packet.protocol);
    packet.payloadLength = ipPayloadLength;
    // Only the first fragment carries the transport header.
    if (packet.fragment) return OK;
    switch (packet.protocol) {
      case TCP:
        return this.tcp(buf, offset, end, ipPayloadLength);
      case UDP:
        return this.udp(buf, offset, end, ipPayloadLength);
      case ICMP:
      case ICMPV6:
        return this.icmp(buf, offset, end, ipPayloadLength);
      default:
        return OK;
    }
  }

  private tcp(buf: Buffer, offset: number, end: number, ipPayloadLength: number): string {
    if (end - offset < 20) return 'truncated_tcp';
    const headerLength = (buf[offset + 12] >> 4) * 4;
    if (headerLength < 20 || headerLength > ipPayloadLength) return 'bad_tcp_header_length';
    const packet = this.packet;
    packet.srcPort = u16be(buf, offset);
    packet.dstPort = u16be(buf, offset + 2);
    packet.tcpSeq = i32be(buf, offset + 4);
    packet.tcpAck = i32be(buf, offset + 8);
    packet.tcpFlags = buf[offset + 13];
    packet.tcpWindow = u16be(buf, offset + 14);
    packet.payloadLength = ipPayloadLength - headerLength;
    this.payload(offset + headerLength, end);
    return OK;
  }

  private udp(buf: Buffer, offset: number, end: number, ipPayloadLength: number): string {
    if (end - offset < 8) return 'truncated_udp';
    const length = u16be(buf, offset + 4);
    if (length < 8 && length !== 0) return 'bad_udp_length';
    const packet = this.packet;
    packet.srcPort = u16be(buf, offset);
    packet.dstPort = u16be(buf, offset + 2);
    // The UDP length covers the whole datagram even when IP fragmented it; 0 is an IPv6 jumbogram.
    packet.payloadLength = (length === 0 ? ipPayloadLength : length) - UDP_HEADER;
    this.payload(offset + UDP_HEADER, end);
    if (packet.srcPort === DNS_PORT || packet.dstPort === DNS_PORT) {
      // A name that does not parse is not a malformed packet: port 53 carries other things too.
      readDnsQuestion(buf, offset + UDP_HEADER, Math.min(end, offset + UDP_HEADER + packet.payloadLength), packet.dns);
    }
    return OK;
  }

  /** Marks the payload's captured bytes (none when the snap length cut them all). */
  private payload(at: number, end: number): void {
    const packet = this.packet;
    const payloadEnd = Math.min(end, at + packet.payloadLength);
    if (payloadEnd <= at) return;
    packet.payloadAt = at;
    packet.payloadEnd = payloadEnd;
  }

  private icmp(buf: Buffer, offset: number, end: number, ipPayloadLength: number): string {
    if (end - offset < 4) return 'truncated_icmp';
    const packet = this.packet;
    packet.icmpType = buf[offset];
    packet.icmpCode = buf[offset + 1];
    // Like Zeek, the 8-byte ICMP header is not payload.
    packet.payloadLength = Math.max(0, ipPayloadLength - 8);
    return OK;
  }

  private arp(buf: Buffer, offset: number, end: number): string {
    if (end - offset < 8) return 'truncated_arp';
    const hardwareLength = buf[offset + 4];
    if (u16be(buf, offset + 2) !== IPV4 || buf[offset + 5] !== 4) return 'non_ip';
    if (end - offset < 8 + 2 * hardwareLength + 8) return 'truncated_arp';
    const packet = this.packet;
    packet.protocol = ARP;
    packet.protocolName = protocolName(ARP);
    packet.arpOperation = u16be(buf, offset + 6);
    this.ipv4Addresses(buf, offset + 8 + hardwareLength, offset + 8 + 2 * hardwareLength + 4);
    packet.ipLength = packet.frameLength;
    return OK;
  }
}
