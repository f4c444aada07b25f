import type { TrafficRecord } from '../records/traffic-record';
import { round3, type Session } from './session';

/** Packet records in both directions; ICMP packets carry no ports. */
export function sessionPackets(s: Session): TrafficRecord[] {
  return s.packets.map((p) => {
    const r: TrafficRecord = {
      timestamp: round3(s.start + p.at),
      srcIp: p.out ? s.client : s.server,
      destIp: p.out ? s.server : s.client,
    };
    if (s.clientPort !== undefined && s.serverPort !== undefined) {
      r.srcPort = p.out ? s.clientPort : s.serverPort;
      r.destPort = p.out ? s.serverPort : s.clientPort;
    }
    r.protocol = s.protocol;
    r.packetSize = p.size;
    return r;
  });
}

/** Zeek conn.log-style history letters for the states the generator produces. */
const HISTORY: Record<string, string> = { SF: 'ShADadFf', S0: 'S', REJ: 'Sr', RSTO: 'ShADadR', RSTR: 'ShADadr' };

/**
 * One Zeek-like conn record, seen from the originator: "out" is what the
 * client sent. ICMP flows carry type/code in the port fields as Zeek does.
 */
export function sessionFlow(s: Session): TrafficRecord {
  let bytesOut = 0;
  let bytesIn = 0;
  let packetsOut = 0;
  let packetsIn = 0;
  for (const p of s.packets) {
    if (p.out) {
      bytesOut += p.size;
      packetsOut++;
    } else {
      bytesIn += p.size;
      packetsIn++;
    }
  }
  const last = s.packets.length > 0 ? s.packets[s.packets.length - 1].at : 0;
  const r: TrafficRecord = {
    timestamp: round3(s.start),
    srcIp: s.client,
    destIp: s.server,
    srcPort: s.clientPort ?? 8,
    destPort: s.serverPort ?? 0,
    protocol: s.protocol,
    duration: Math.round(last * 1000) / 1e6,
    bytesOut,
    bytesIn,
    packetsOut,
    packetsIn,
    connState: s.connState,
  };
  if (s.service !== undefined) r.service = s.service;
  if (s.protocol === 'TCP' && HISTORY[s.connState] !== undefined) r.history = HISTORY[s.connState];
  return r;
}
