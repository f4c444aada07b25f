import { TrafficRecord } from '../records/traffic-record';
import { AppMeta } from './app/app-meta';
import { DecodedPacket } from './decoded-packet';
import { LruNode } from './lru-list';
import { IpProtocol } from './protocols';
import { guessService } from './services';
import { tcpFlagString } from './tcp-flags';
import { TcpConnection } from './tcp-state';
import { TripleKeyStore } from './key-stores';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { TCP, UDP, ICMP, ICMPV6, ARP } = IpProtocol;

/** One bidirectional connection: the originator is whoever sent the first packet seen. */
export class Flow implements LruNode {
  older: LruNode | undefined = undefined;
  newer: LruNode | undefined = undefined;
  readonly tcp: TcpConnection | undefined;
  /**
   * Times are fractional milliseconds. A field declared without a number
   * starts as undefined, after which V8 boxes every number stored in it: a
   * new heap number per packet for lastSeen. Starting at 0 keeps them
   * unboxed doubles, written in place.
   */
  start = 0;
  lastSeen = 0;
  /** When TCP finished (FIN both ways, RST, ...); -1 while open. */
  closedAt = -1;
  /** Time after which the flow is over if no packet comes: the flow table's, as of the flow's last packet. */
  deadline = 0;
  packetsOut = 0;
  packetsIn = 0;
  ipBytesOut = 0;
  ipBytesIn = 0;
  payloadOut = 0;
  payloadIn = 0;
  /** Union of the TCP flags of every packet. */
  flags = 0;
  /** DNS flows: the longest question name and the highest name entropy seen; -1 before any DNS message. */
  dnsNameLength = -1;
  dnsEntropy = 0;
  /** What the payload said about the application; made at the first packet with captured payload. */
  app: AppMeta | undefined = undefined;
  /** TCP payload already reported by active-timeout records (sequence-based sizes are cumulative). */
  private reportedOut = 0;
  private reportedIn = 0;

  readonly protocol: number;
  readonly protocolName: string;
  readonly origIp: string;
  readonly respIp: string;
  readonly origMac: string | undefined;
  readonly respMac: string | undefined;

  /** The canonical IPv4 key when the flow table filed the flow by integers (see Ipv4FlowIndex). */
  ipv4A = 0;
  ipv4B = 0;

  /**
   * Opened by its first packet, whose sender becomes the originator. `table`
   * and the key say where the flow table filed it; no table: in its IPv4 index.
   */
  constructor(
    readonly table: TripleKeyStore<Flow> | undefined,
    readonly keyA: string,
    readonly keyB: string,
    readonly keyC: number,
    first: DecodedPacket,
    readonly origPort: number,
    readonly respPort: number,
  ) {
    this.protocol = first.protocol;
    this.protocolName = first.protocolName;
    this.origIp = first.srcIp;
    this.respIp = first.dstIp;
    this.origMac = first.srcMac;
    this.respMac = first.dstMac;
    this.start = first.timestampMs;
    this.lastSeen = first.timestampMs;
    this.tcp = first.protocol === TCP ? new TcpConnection() : undefined;
  }

  add(packet: DecodedPacket, isOrig: boolean): void {
    if (packet.timestampMs > this.lastSeen) this.lastSeen = packet.timestampMs;
    if (isOrig) {
      this.packetsOut++;
      this.ipBytesOut += packet.ipLength;
      this.payloadOut += packet.payloadLength;
    } else {
      this.packetsIn++;
      this.ipBytesIn += packet.ipLength;
      this.payloadIn += packet.payloadLength;
    }
    if (this.tcp) {
      this.flags |= packet.tcpFlags;
      this.tcp.update(isOrig, packet.tcpFlags, packet.tcpSeq, packet.tcpAck, packet.tcpWindow, packet.payloadLength);
    } else if (packet.dns.nameLength >= 0) {
      if (packet.dns.nameLength > this.dnsNameLength) this.dnsNameLength = packet.dns.nameLength;
      if (packet.dns.entropy > this.dnsEntropy) this.dnsEntropy = packet.dns.entropy;
    }
    if (packet.payloadAt >= 0) (this.app ??= new AppMeta()).observe(packet, isOrig, this.respPort, this.tcp !== undefined);
  }

  /** Starts a new accounting period after an active timeout; the TCP state carries over. */
  restart(now: number): void {
    this.start = now;
    this.packetsOut = this.packetsIn = 0;
    this.ipBytesOut = this.ipBytesIn = 0;
    this.payloadOut = this.payloadIn = 0;
    this.flags = 0;
    this.dnsNameLength = -1;
    this.dnsEntropy = 0;
    this.app?.restart();
    if (this.tcp) {
      this.tcp.history = '';
      this.reportedOut = this.tcp.bytes(true);
      this.reportedIn = this.tcp.bytes(false);
    }
  }

  toRecord(): TrafficRecord {
    const hasPorts = this.protocol === TCP || this.protocol === UDP
      || this.protocol === ICMP || this.protocol === ICMPV6;
    return {
      timestamp: this.start,
      srcIp: this.origIp,
      destIp: this.respIp,
      srcPort: hasPorts ? this.origPort : undefined,
      destPort: hasPorts ? this.respPort : undefined,
      protocol: this.protocolName,
      duration: (this.lastSeen - this.start) / 1000,
      // TCP counts sequence space like Zeek, so retransmissions are not counted twice.
      bytesOut: this.tcp ? this.tcp.bytes(true) - this.reportedOut : this.payloadOut,
      bytesIn: this.tcp ? this.tcp.bytes(false) - this.reportedIn : this.payloadIn,
      packetsOut: this.packetsOut,
      packetsIn: this.packetsIn,
      connState: this.connState(),
      service: guessService(this.protocol, this.origPort, this.respPort),
      srcMac: this.origMac,
      destMac: this.respMac,
      tcpFlags: this.tcp ? tcpFlagString(this.flags) : undefined,
      history: this.history(),
      attributes: this.attributes(),
    };
  }

  /** Zeek's IP byte counts, for DNS flows what their question names looked like, and what the payload said. */
  private attributes(): Record<string, number> {
    const attributes: Record<string, number> = this.dnsNameLength < 0
      ? { orig_ip_bytes: this.ipBytesOut, resp_ip_bytes: this.ipBytesIn }
      : {
        orig_ip_bytes: this.ipBytesOut,
        resp_ip_bytes: this.ipBytesIn,
        dns_qname_len: this.dnsNameLength,
        dns_qname_entropy: this.dnsEntropy,
      };
    // Payload read and no risk sign found is a count of 0 (a Zeek record, read from no payload, has no count).
    if (this.app) this.app.addTo(attributes);
    else attributes.app_risks = 0;
    return attributes;
  }

  /** UDP (like Zeek) and ARP (which Zeek does not log) are SF when answered, S0 when not. */
  private connState(): string {
    if (this.tcp) return this.tcp.connState();
    if (this.protocol !== UDP && this.protocol !== ARP) return 'OTH';
    return this.packetsIn > 0 ? 'SF' : 'S0';
  }

  /** Zeek logs UDP as 'D'/'Dd' (data each way) and leaves ICMP's history unset. */
  private history(): string | undefined {
    if (this.tcp) return this.tcp.history || undefined;
    if (this.protocol !== UDP) return undefined;
    return this.packetsIn > 0 ? 'Dd' : 'D';
  }
}
