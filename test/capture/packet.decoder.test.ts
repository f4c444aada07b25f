import { createCaptureStats, LinkType, PacketDecoder, packetRecord } from '../../src/capture';
import { CaptureStats } from '../../src/capture/capture.types';
import { TrafficRecord } from '../../src/records/traffic-record';
import {
  arpFrame, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernet, icmp, icmpFrame, ipv4, ipv6, Ipv6Extension, linuxSll, linuxSll2,
  nullLoopback, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, tcp, tcpFrame, udp, udpFrame,
} from '../helpers/pcap-writer';

const client = { ip: '192.168.1.10', port: 51000, mac: '02:00:00:00:00:0a' };
const server = { ip: '93.184.216.34', port: 443, mac: '02:00:00:00:00:fe' };
const tcpSegment = tcp({ srcPort: 51000, dstPort: 443, flags: 'PA', payload: 100 });
const ipPacket = ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_TCP, payload: tcpSegment });
const ip6Packet = ipv6({ src: '2001:db8::10', dst: '2001:db8::1', nextHeader: PROTO_UDP, payload: udp({ srcPort: 5000, dstPort: 53, payload: 12 }) });

function decode(data: Buffer, linkType: number = LinkType.ETHERNET, originalLength = data.length): { record?: TrafficRecord; stats: CaptureStats; decoder: PacketDecoder } {
  const stats = createCaptureStats();
  const decoder = new PacketDecoder(stats);
  const ok = decoder.decode({ data, offset: 0, capturedLength: data.length, originalLength, timestampMs: 1000, linkType, interfaceId: 0 });
  return { record: ok ? packetRecord(decoder.packet) : undefined, stats, decoder };
}

function malformedReason(data: Buffer, linkType: number = LinkType.ETHERNET): Record<string, number> {
  const { record, stats } = decode(data, linkType);
  expect(record).toBeUndefined();
  return stats.malformed;
}

describe('packet decoder', () => {
  it('fills a packet record from Ethernet + IPv4 + TCP', () => {
    const { record } = decode(tcpFrame(client, server, { flags: 'SA', payload: 20 }));
    expect(record).toEqual({
      timestamp: 1000,
      srcIp: '192.168.1.10',
      destIp: '93.184.216.34',
      srcPort: 51000,
      destPort: 443,
      protocol: 'TCP',
      packetSize: 60,
      tcpFlags: 'SA',
      srcMac: '02:00:00:00:00:0a',
      destMac: '02:00:00:00:00:fe',
      attributes: undefined,
    });
  });

  it.each([['S', 'S'], ['SA', 'SA'], ['FA', 'FA'], ['R', 'R'], ['PA', 'PA'], ['FPA', 'FPA'], ['', ''], ['FPU', 'FPU'], ['SEC', 'SEC']])(
    'writes TCP flags %s as %s',
    (flags, expected) => {
      expect(decode(tcpFrame(client, server, { flags })).record?.tcpFlags).toBe(expected);
    },
  );

  it('marks where the captured payload lies, without Ethernet padding or bytes the snap length cut', () => {
    const request = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    const frame = tcpFrame(client, server, { flags: 'PA', payload: request });
    const { decoder } = decode(Buffer.concat([frame, Buffer.alloc(6)]));
    const { payloadAt, payloadEnd, linkData } = decoder.packet;
    expect(linkData.subarray(payloadAt, payloadEnd).toString()).toBe(request.toString());
    expect(decode(frame.subarray(0, frame.length - 5), LinkType.ETHERNET, frame.length).decoder.packet.payloadEnd).toBe(frame.length - 5);
    expect(decode(tcpFrame(client, server, { flags: 'A' })).decoder.packet.payloadAt).toBe(-1);
    const dns = decode(udpFrame(client, { ...server, port: 53 }, 12)).decoder.packet;
    expect(dns.payloadEnd - dns.payloadAt).toBe(12);
  });

  it('peels 802.1Q and QinQ tags', () => {
    const single = decode(ethernet({ vlans: [42], etherType: ETHERTYPE_IPV4, payload: ipPacket }));
    const double = decode(ethernet({ vlans: [100, 42], vlanTpids: [0x88a8, 0x8100], etherType: ETHERTYPE_IPV4, payload: ipPacket }));
    for (const { record, decoder } of [single, double]) {
      expect(record).toMatchObject({ srcIp: client.ip, destPort: 443, packetSize: ipPacket.length });
      expect(decoder.packet.vlanId).toBe(42);
    }
  });

  it.each([
    ['Linux cooked v1', LinkType.LINUX_SLL, linuxSll({ srcMac: '02:00:00:00:00:77', protocol: ETHERTYPE_IPV4, payload: ipPacket })],
    ['Linux cooked v2', LinkType.LINUX_SLL2, linuxSll2({ srcMac: '02:00:00:00:00:77', protocol: ETHERTYPE_IPV4, payload: ipPacket })],
  ])('decodes %s with the sender MAC only', (_name, linkType, frame) => {
    expect(decode(frame, linkType).record).toMatchObject({ srcIp: client.ip, srcPort: 51000, srcMac: '02:00:00:00:00:77', destMac: undefined });
  });

  it.each([LinkType.RAW, LinkType.RAW_DLT12, LinkType.RAW_DLT14])('decodes raw IPv4 and IPv6 on link type %i', (linkType) => {
    expect(decode(ipPacket, linkType).record).toMatchObject({ srcIp: client.ip, protocol: 'TCP', srcMac: undefined });
    expect(decode(ip6Packet, linkType).record).toMatchObject({ srcIp: '2001:db8::10', destPort: 53, protocol: 'UDP' });
  });

  it('decodes the IPv4-only and IPv6-only raw link types', () => {
    expect(decode(ipPacket, LinkType.IPV4).record?.srcIp).toBe(client.ip);
    expect(decode(ip6Packet, LinkType.IPV6).record?.srcIp).toBe('2001:db8::10');
  });

  it('decodes BSD loopback in either byte order and LINKTYPE_LOOP', () => {
    expect(decode(nullLoopback({ family: 2, payload: ipPacket }), LinkType.NULL).record?.srcIp).toBe(client.ip);
    expect(decode(nullLoopback({ family: 2, payload: ipPacket, byteOrder: 'be' }), LinkType.NULL).record?.srcIp).toBe(client.ip);
    expect(decode(nullLoopback({ family: 30, payload: ip6Packet }), LinkType.NULL).record?.srcIp).toBe('2001:db8::10');
    expect(decode(nullLoopback({ family: 24, payload: ip6Packet, byteOrder: 'be' }), LinkType.LOOP).record?.protocol).toBe('UDP');
  });

  it('finds the transport header after IPv4 options', () => {
    const withOptions = ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_TCP, payload: tcpSegment, options: Buffer.from([1, 1, 1, 1, 7, 3, 4]) });
    expect(decode(withOptions, LinkType.RAW).record).toMatchObject({ srcPort: 51000, destPort: 443, packetSize: 20 + 8 + tcpSegment.length });
  });

  it('takes ports from the first IPv4 fragment only', () => {
    const datagram = udp({ srcPort: 53, dstPort: 40000, payload: 3000 });
    const first = ipv4({ src: server.ip, dst: client.ip, protocol: PROTO_UDP, payload: datagram.subarray(0, 1480), moreFragments: true, id: 9 });
    const rest = ipv4({ src: server.ip, dst: client.ip, protocol: PROTO_UDP, payload: datagram.subarray(1480), fragmentOffset: 1480, id: 9 });
    expect(decode(first, LinkType.RAW).record).toMatchObject({ protocol: 'UDP', srcPort: 53, destPort: 40000, packetSize: 1500 });
    const { record, decoder } = decode(rest, LinkType.RAW);
    expect(record).toMatchObject({ protocol: 'UDP', srcPort: undefined, destPort: undefined, packetSize: 20 + datagram.length - 1480 });
    expect(decoder.packet.fragment).toBe(true);
  });

  it('walks IPv6 extension headers to the transport header', () => {
    const extensions: Ipv6Extension[] = [{ header: 'hop-by-hop' }, { header: 'destination', length: 1 }, { header: 'fragment', offset: 0, more: true }];
    const packet = ipv6({ src: 'fe80::1', dst: 'ff02::1:3', nextHeader: PROTO_TCP, payload: tcpSegment, extensions });
    expect(decode(packet, LinkType.RAW).record).toMatchObject({ srcIp: 'fe80::1', destIp: 'ff02::1:3', protocol: 'TCP', srcPort: 51000, packetSize: packet.length });
    const later = ipv6({ src: 'fe80::1', dst: 'ff02::1:3', nextHeader: PROTO_TCP, payload: Buffer.alloc(64), extensions: [{ header: 'fragment', offset: 1448, more: false }] });
    expect(decode(later, LinkType.RAW).record).toMatchObject({ protocol: 'TCP', srcPort: undefined });
  });

  it('puts ICMP type and code in the ports, as Zeek does', () => {
    expect(decode(icmpFrame(client, server, 3, 3)).record).toMatchObject({ protocol: 'ICMP', srcPort: 3, destPort: 3, tcpFlags: undefined });
    const v6 = { ip: '2001:db8::10', port: 0 };
    expect(decode(icmpFrame(v6, { ip: '2001:db8::1', port: 0 }, 128)).record).toMatchObject({ protocol: 'ICMPV6', srcPort: 128, destPort: 0 });
  });

  it('decodes ARP with the frame length as size', () => {
    const frame = arpFrame(1, { ip: '192.168.1.10', port: 0, mac: '02:00:00:00:00:0a' }, '192.168.1.1');
    const { record, decoder } = decode(frame);
    expect(record).toMatchObject({ protocol: 'ARP', srcIp: '192.168.1.10', destIp: '192.168.1.1', srcPort: undefined, packetSize: 42, destMac: 'ff:ff:ff:ff:ff:ff' });
    expect(decoder.packet.arpOperation).toBe(1);
  });

  it('names other IP protocols and leaves their ports unset', () => {
    const gre = ipv4({ src: client.ip, dst: server.ip, protocol: 47, payload: Buffer.alloc(8) });
    expect(decode(gre, LinkType.RAW).record).toMatchObject({ protocol: 'GRE', srcPort: undefined });
    expect(decode(ipv4({ src: client.ip, dst: server.ip, protocol: 253, payload: Buffer.alloc(8) }), LinkType.RAW).record?.protocol).toBe('IP-253');
  });

  it('formats IPv6 addresses the RFC 5952 way', () => {
    const cases = [['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['::ffff:a01:203', '::ffff:10.1.2.3'], ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'], ['::', '::']];
    for (const [input, expected] of cases) {
      const packet = ipv6({ src: input, dst: '::1', nextHeader: PROTO_ICMPV6, payload: icmp({ type: 128 }) });
      expect(decode(packet, LinkType.RAW).record?.srcIp).toBe(expected);
    }
  });

  it('uses the frame length when segmentation offload left the IPv4 total length at 0', () => {
    const offloaded = ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_TCP, payload: tcpSegment, totalLength: 0 });
    expect(decode(offloaded, LinkType.RAW).record?.packetSize).toBe(offloaded.length);
  });

  it('counts non-IP frames as skipped, not malformed', () => {
    const { record, stats } = decode(ethernet({ etherType: 0x88cc, payload: Buffer.alloc(40) }));
    expect(record).toBeUndefined();
    expect(stats).toMatchObject({ decoded: 0, malformed: {}, skipped: { non_ip: 1 } });
  });

  it('counts every kind of broken packet by reason instead of throwing', () => {
    const eth = (payload: Buffer): Buffer => ethernet({ etherType: ETHERTYPE_IPV4, payload });
    const badVersion = Buffer.from(ipPacket);
    badVersion[0] = 0x55;
    const badIhl = Buffer.from(ipPacket);
    badIhl[0] = 0x43;
    const badTcpOffset = Buffer.from(ipPacket);
    badTcpOffset[20 + 12] = 0x20;
    expect(malformedReason(Buffer.alloc(10))).toEqual({ truncated_link_header: 1 });
    expect(malformedReason(eth(ipPacket.subarray(0, 12)))).toEqual({ truncated_ipv4: 1 });
    expect(malformedReason(eth(badVersion))).toEqual({ bad_ip_version: 1 });
    expect(malformedReason(eth(badIhl))).toEqual({ bad_ipv4_header_length: 1 });
    expect(malformedReason(eth(ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_TCP, payload: tcpSegment, totalLength: 9000 })))).toEqual({ ipv4_length_exceeds_frame: 1 });
    expect(malformedReason(eth(ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_TCP, payload: Buffer.alloc(10) })))).toEqual({ truncated_tcp: 1 });
    expect(malformedReason(eth(badTcpOffset))).toEqual({ bad_tcp_header_length: 1 });
    expect(malformedReason(eth(ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_UDP, payload: udp({ srcPort: 1, dstPort: 2, length: 4 }) })))).toEqual({ bad_udp_length: 1 });
    expect(malformedReason(eth(ipv4({ src: client.ip, dst: server.ip, protocol: PROTO_UDP, payload: Buffer.alloc(4) })))).toEqual({ truncated_udp: 1 });
    expect(malformedReason(eth(ipv4({ src: client.ip, dst: server.ip, protocol: 1, payload: Buffer.alloc(2) })))).toEqual({ truncated_icmp: 1 });
    expect(malformedReason(ethernet({ etherType: ETHERTYPE_IPV6, payload: ip6Packet.subarray(0, 30) }))).toEqual({ truncated_ipv6: 1 });
    expect(malformedReason(ethernet({ etherType: 0x0806, payload: Buffer.from([0, 1, 8, 0, 6, 4, 0, 1, 2]) }))).toEqual({ truncated_arp: 1 });
    expect(malformedReason(ethernet({ vlans: [5], etherType: ETHERTYPE_IPV4, payload: Buffer.alloc(0) }).subarray(0, 16))).toEqual({ truncated_link_header: 1 });
  });

  it('decodes UDP over IPv4 and leaves tcpFlags unset', () => {
    expect(decode(udpFrame(client, { ip: '192.168.1.1', port: 53 }, 30)).record).toMatchObject({ protocol: 'UDP', destPort: 53, packetSize: 58, tcpFlags: undefined });
  });
});
