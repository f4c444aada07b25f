import { AddressFormatter } from './address-format';
import { DnsQuestion } from './dns-query';

/**
 * What the decoder extracts from one frame. The decoder owns a single instance
 * and overwrites it for every packet (no per-packet allocation); consumers copy
 * what they keep, as `packetRecord` does.
 */
export class DecodedPacket {
  timestampMs = 0;
  /** Frame length on the wire. */
  frameLength = 0;
  /** Frame bytes and MAC offsets (-1: none): MACs are formatted only when read. */
  linkData: Buffer = Buffer.alloc(0);
  srcMacAt = -1;
  dstMacAt = -1;
  /** Innermost 802.1Q VLAN id, -1 when untagged. */
  vlanId = -1;
  /** EtherType of the network layer (0x0800, 0x86dd, 0x0806, ...). */
  etherType = 0;
  srcIp = '';
  dstIp = '';
  /**
   * IPv4 (and ARP) addresses as 32-bit integers, with the strings the decoder
   * formatted from them (undefined for other packets). The integers stand for
   * the addresses only while `srcIp`/`dstIp` are still those strings: a caller
   * that rewrites the addresses (the evaluation's address remapping) is then
   * keyed by its strings, as before.
   */
  srcIpv4 = 0;
  dstIpv4 = 0;
  srcIpv4Text: string | undefined = undefined;
  dstIpv4Text: string | undefined = undefined;
  /** IP protocol number, or IpProtocol.ARP. */
  protocol = 0;
  protocolName = '';
  /** IP total length (header included); the frame length for ARP. */
  ipLength = 0;
  /** -1 when the packet has no ports (non-first fragment, ICMP, ARP, ...). */
  srcPort = -1;
  dstPort = -1;
  tcpFlags = 0;
  /**
   * Sequence and acknowledgement numbers as signed 32-bit integers: the TCP
   * state counts modulo 2^32 either way, and to V8 an int32 is a small
   * integer while half of all uint32 values are heap numbers, allocated each
   * time one is passed to a call (twice per TCP packet).
   */
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  /** Transport payload bytes as the headers declare them (UDP length for UDP, like Zeek). */
  payloadLength = 0;
  /**
   * Where the transport payload's captured bytes lie in `linkData` (-1: none
   * captured): application parsers read the first bytes of a flow from here.
   */
  payloadAt = -1;
  payloadEnd = -1;
  /** A non-first IP fragment: no transport header. */
  fragment = false;
  icmpType = -1;
  icmpCode = -1;
  arpOperation = 0;
  /** DNS over UDP port 53: the first question's name length (-1: not DNS or unreadable) and character entropy. */
  readonly dns: DnsQuestion = { nameLength: -1, entropy: 0, type: 0 };

  constructor(private readonly addresses: AddressFormatter) {}

  get srcMac(): string | undefined {
    return this.srcMacAt >= 0 ? this.addresses.macAt(this.linkData, this.srcMacAt) : undefined;
  }

  get dstMac(): string | undefined {
    return this.dstMacAt >= 0 ? this.addresses.macAt(this.linkData, this.dstMacAt) : undefined;
  }

  reset(timestampMs: number, frameLength: number, linkData: Buffer): void {
    this.timestampMs = timestampMs;
    this.frameLength = frameLength;
    this.linkData = linkData;
    this.srcMacAt = -1;
    this.dstMacAt = -1;
    this.vlanId = -1;
    this.etherType = 0;
    this.protocol = 0;
    this.srcIpv4Text = undefined;
    this.dstIpv4Text = undefined;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpFlags = 0;
    this.payloadLength = 0;
    this.payloadAt = -1;
    this.fragment = false;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.arpOperation = 0;
    this.dns.nameLength = -1;
  }
}
