import { TrafficRecord } from '../records/traffic-record';
import { DecodedPacket } from './decoded-packet';
import { IpProtocol } from './protocols';
import { tcpFlagString } from './tcp-flags';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { TCP } = IpProtocol;

/**
 * The per-packet TrafficRecord.
 *
 * packetSize is the IP total length (header included), not the frame length:
 * it does not depend on the link type (Ethernet, VLAN tags, Linux cooked, raw
 * IP), so traffic captured on different interfaces stays comparable, and it is
 * the true size even when the snap length cut the capture. ARP has no IP
 * header: its size is the frame length.
 *
 * ICMP and ICMPv6 put type and code in srcPort and destPort, as Zeek does.
 * Every record has the same keys (unset ones are undefined) so V8 keeps one
 * hidden class for all of them.
 */
export function packetRecord(packet: DecodedPacket): TrafficRecord {
  const icmp = packet.icmpType >= 0;
  return {
    timestamp: packet.timestampMs,
    srcIp: packet.srcIp,
    destIp: packet.dstIp,
    srcPort: icmp ? packet.icmpType : packet.srcPort >= 0 ? packet.srcPort : undefined,
    destPort: icmp ? packet.icmpCode : packet.dstPort >= 0 ? packet.dstPort : undefined,
    protocol: packet.protocolName,
    packetSize: packet.ipLength,
    tcpFlags: packet.protocol === TCP && !packet.fragment ? tcpFlagString(packet.tcpFlags) : undefined,
    srcMac: packet.srcMac,
    destMac: packet.dstMac,
    attributes: undefined,
  };
}
