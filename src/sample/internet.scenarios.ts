import type { Rng } from '../util/random';
import {
  ALL_CLIENTS,
  CDN_SERVERS,
  IOT_BROKERS,
  NTP_SERVERS,
  PERSONAL,
  PHONES,
  RESOLVERS,
  ROUTER,
  SMART_TV,
  WEB_SERVERS,
  type LanHost,
} from './home-network.hosts';
import { between, type Session, type SessionPacket } from './session';
import { endpointOf, segmentSize, tcpSession, udpSession, wanRtt } from './session.builders';

/** A DNS query and (almost always) its answer. */
export function dnsQuery(rng: Rng, start: number, client: LanHost, resolver: string, port?: number): Session {
  const c = endpointOf(rng, client);
  if (port !== undefined) c.port = port;
  const rtt = resolver === ROUTER.ip ? 1 + rng.next() * 3 : wanRtt(rng);
  return udpSession(rng, { start, client: c, server: resolver, serverPort: 53, rttMs: rtt, service: 'dns' }, (t) => {
    t.send(true, between(rng, 55, 95));
    if (rng.next() < 0.98) t.reply(false, rng.next() < 0.9 ? between(rng, 70, 260) : between(rng, 260, 520));
  });
}

/**
 * Clients ask the router; a cache miss makes the router ask upstream from
 * a random high port (dnsmasq-style port randomization).
 */
export function dnsLookup(rng: Rng, start: number): Session[] {
  const client = rng.pick(ALL_CLIENTS);
  const sessions = [dnsQuery(rng, start, client, ROUTER.ip)];
  if (rng.next() < 0.35) sessions.push(dnsQuery(rng, start + 0.5, ROUTER, rng.pick(RESOLVERS), between(rng, 1024, 65535)));
  return sessions;
}

/** Browsers and phones with a hard-coded public resolver. */
export function dnsDirect(rng: Rng, start: number): Session[] {
  return [dnsQuery(rng, start, rng.pick(PERSONAL), rng.pick(RESOLVERS))];
}

/** TLS handshake then a few request/response rounds. */
export function https(rng: Rng, start: number, client = rng.pick(PERSONAL), server = rng.pick(WEB_SERVERS)): Session[] {
  const c = endpointOf(rng, client);
  const o = { start, client: c, server, serverPort: 443, rttMs: wanRtt(rng), service: 'ssl' };
  return [
    tcpSession(rng, o, (t) => {
      t.reply(true, between(rng, 300, 700)).burst(false, between(rng, 2, 4), () => segmentSize(rng)).reply(true, c.ack);
      for (let round = between(rng, 1, 4); round > 0; round--) {
        t.pause(rng.next() * 200).send(true, between(rng, 100, 900));
        t.burst(false, between(rng, 1, 10), () => segmentSize(rng)).reply(true, c.ack);
      }
    }),
  ];
}

/** QUIC: padded ≥1200-byte initials, then server data against small client ACKs. */
export function quic(rng: Rng, start: number, client = rng.pick(PERSONAL), server = rng.pick(WEB_SERVERS)): Session[] {
  const c = endpointOf(rng, client);
  const o = { start, client: c, server, serverPort: 443, rttMs: wanRtt(rng), service: 'quic' };
  return [
    udpSession(rng, o, (t) => {
      t.send(true, between(rng, 1250, 1378)).burst(false, between(rng, 2, 3), () => between(rng, 1250, 1378));
      for (let round = between(rng, 1, 5); round > 0; round--) {
        t.reply(true, between(rng, 40, 90)).send(true, between(rng, 60, 400), rng.next() * 150);
        t.burst(false, between(rng, 1, 8), () => between(rng, 1250, 1378));
      }
      t.reply(true, between(rng, 40, 90));
    }),
  ];
}

/** Plain HTTP to the Internet still exists: OS connectivity checks, OCSP, update mirrors. */
export function httpExternal(rng: Rng, start: number): Session[] {
  const c = endpointOf(rng, rng.pick([...PERSONAL, SMART_TV]));
  const o = { start, client: c, server: rng.pick(WEB_SERVERS), serverPort: 80, rttMs: wanRtt(rng), service: 'http' };
  return [
    tcpSession(rng, o, (t) => {
      t.reply(true, between(rng, 300, 520)).reply(false, c.ack);
      t.burst(false, between(rng, 1, 3), () => between(rng, 200, 1500)).reply(true, c.ack);
    }),
  ];
}

/** SNTP: 48-byte payload each way (76-byte packets); ntpd-style daemons send from port 123 itself. */
export function ntp(rng: Rng, start: number): Session[] {
  const client = rng.pick(ALL_CLIENTS);
  const c = endpointOf(rng, client);
  if (client.habit !== 'windows' && rng.next() < 0.5) c.port = 123;
  const o = { start, client: c, server: rng.pick(NTP_SERVERS), serverPort: 123, rttMs: wanRtt(rng), service: 'ntp' };
  return [
    udpSession(rng, o, (t) => {
      t.send(true, 76);
      if (rng.next() < 0.97) t.reply(false, 76);
    }),
  ];
}

/**
 * The TV (and sometimes a phone) fetching video segments: long runs of
 * full-size packets from a CDN against small ACKs.
 */
export function streaming(rng: Rng, start: number): Session[] {
  if (rng.next() < 0.25) return quic(rng, start, rng.pick(PHONES), rng.pick(CDN_SERVERS));
  const c = endpointOf(rng, SMART_TV);
  const o = { start, client: c, server: rng.pick(CDN_SERVERS), serverPort: 443, rttMs: 8 + rng.next() * 20, service: 'ssl' };
  return [
    tcpSession(rng, o, (t) => {
      t.reply(true, between(rng, 300, 600)).burst(false, 3, () => segmentSize(rng)).reply(true, c.ack);
      for (let segment = between(rng, 1, 3); segment > 0; segment--) {
        t.pause(rng.next() * 400).send(true, between(rng, 150, 600));
        for (let run = between(rng, 8, 25); run > 0; run--) {
          t.burst(false, 2, () => segmentSize(rng), 0.1).send(true, c.ack, 0.05);
        }
      }
    }),
  ];
}

/** Cloud telemetry from a sensor: a small TLS publish and its acknowledgement. */
export function iotCloud(rng: Rng, start: number, sensor: LanHost): Session[] {
  const c = endpointOf(rng, sensor);
  const mqtt = rng.next() < 0.75;
  const o = {
    start,
    client: c,
    server: rng.pick(IOT_BROKERS),
    serverPort: mqtt ? 8883 : 443,
    rttMs: wanRtt(rng),
    service: mqtt ? undefined : 'ssl',
  };
  return [
    tcpSession(rng, o, (t) => {
      t.reply(true, between(rng, 90, 250)).reply(false, between(rng, 57, 90));
      if (!mqtt) t.reply(false, between(rng, 200, 600)).reply(true, c.ack);
    }),
  ];
}

/** ICMP echo: the router checking its WAN link, people pinging things. */
export function ping(rng: Rng, start: number, client = rng.pick([ROUTER, ...PERSONAL]), target?: string): Session[] {
  const size = client.habit === 'windows' ? 60 : 84;
  const packets: SessionPacket[] = [];
  const rtt = target === undefined || !target.startsWith('192.168.') ? wanRtt(rng) : 1;
  for (let i = between(rng, 1, 4), at = 0; i > 0; i--, at += 1000) {
    packets.push({ at, out: true, size }, { at: at + rtt, out: false, size });
  }
  return [
    {
      start,
      client: client.ip,
      server: target ?? rng.pick([...RESOLVERS, ...WEB_SERVERS.slice(0, 5)]),
      protocol: 'ICMP',
      connState: 'OTH',
      packets,
    },
  ];
}

/** Consumer broadband prefixes: where the other end of a peer-to-peer call lives. */
const ISP_PREFIXES = ['84.163', '91.64', '176.199', '2.205', '78.52'];

/**
 * A WebRTC call (video chat, voice messenger): UDP between two unremarkable
 * ports, either straight to the other party's NAT mapping or via a relay,
 * with small audio packets and larger video packets both ways.
 */
export function videoCall(rng: Rng, start: number): Session[] {
  const c = endpointOf(rng, rng.pick(PERSONAL));
  // Peer-to-peer to the other party's home connection, or through the service's relay.
  const direct = rng.next() < 0.6;
  const peer = direct ? `${rng.pick(ISP_PREFIXES)}.${between(rng, 1, 254)}.${between(rng, 1, 254)}` : rng.pick(WEB_SERVERS);
  const o = { start, client: c, server: peer, serverPort: between(rng, 1024, 65535), rttMs: wanRtt(rng) };
  return [
    udpSession(rng, o, (t) => {
      for (let tick = between(rng, 20, 60); tick > 0; tick--) {
        t.send(true, between(rng, 90, 240), 20 * rng.next());
        t.send(false, between(rng, 90, 240), 20 * rng.next());
        if (rng.next() < 0.5) t.send(rng.next() < 0.5, between(rng, 700, 1200), 2);
      }
    }),
  ];
}
