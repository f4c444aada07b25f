import type { Rng } from '../util/random';
import {
  BROADCAST,
  LAPTOPS,
  MDNS_GROUP,
  MDNS_GROUP_V6,
  NAS,
  PERSONAL,
  PHONES,
  PRINTER,
  ROUTER,
  SENSORS,
  SMART_TV,
  SSDP_GROUP,
  type LanHost,
} from './home-network.hosts';
import { between, type Session } from './session';
import { endpointOf, lanRtt, segmentSize, tcpFailed, tcpSession, udpSession } from './session.builders';

/** A small HTTP request/response on the LAN: status pages, device APIs, admin UIs. */
export function lanHttp(rng: Rng, start: number, client: LanHost, server: string, port: number): Session {
  const c = endpointOf(rng, client);
  const o = { start, client: c, server, serverPort: port, rttMs: lanRtt(rng), service: port === 443 ? 'ssl' : 'http' };
  // Devices asleep or restarting: the odd refused (REJ) or unanswered (S0) connection.
  if (rng.next() < 0.015) return tcpFailed(rng, o, rng.next() < 0.66);
  return tcpSession(rng, o, (t) => {
    for (let round = between(rng, 1, 3); round > 0; round--) {
      t.send(true, between(rng, 90, 340), rng.next() * 20).reply(false, c.ack);
      t.burst(false, between(rng, 1, 2), () => between(rng, 120, 700), 0.05).reply(true, c.ack);
    }
  });
}

/** The router's dashboard polls the NAS web UI: from the router's low (1024–4999) source ports. */
export function routerPollsNas(rng: Rng, start: number): Session[] {
  return [lanHttp(rng, start, ROUTER, NAS.ip, 80)];
}

/** People and devices talking HTTP to each other inside the home. */
export function lanWeb(rng: Rng, start: number): Session[] {
  const x = rng.next();
  if (x < 0.45) return [lanHttp(rng, start, rng.pick(PERSONAL), NAS.ip, rng.next() < 0.5 ? 80 : 443)];
  if (x < 0.6) return [lanHttp(rng, start, rng.pick(LAPTOPS), PRINTER.ip, 80)];
  if (x < 0.75) return [lanHttp(rng, start, rng.pick(PHONES), SMART_TV.ip, 8008)];
  if (x < 0.9) return [lanHttp(rng, start, rng.pick(SENSORS), NAS.ip, 80)];
  return [lanHttp(rng, start, rng.pick([NAS, SMART_TV]), ROUTER.ip, 80)];
}

/** File sharing with the NAS: small SMB commands and bulk reads or writes. */
export function smb(rng: Rng, start: number): Session[] {
  const c = endpointOf(rng, rng.pick(LAPTOPS));
  const o = { start, client: c, server: NAS.ip, serverPort: 445, rttMs: lanRtt(rng), service: 'smb' };
  return [
    tcpSession(rng, o, (t) => {
      t.reply(true, between(rng, 200, 300)).reply(false, between(rng, 250, 400));
      for (let op = between(rng, 1, 4); op > 0; op--) {
        const read = rng.next() < 0.7;
        t.send(true, between(rng, 150, 260), rng.next() * 30);
        t.burst(!read, between(rng, 2, 20), () => segmentSize(rng), 0.05).reply(read, read ? c.ack : 52);
      }
    }),
  ];
}

/** Printing over IPP. */
export function ipp(rng: Rng, start: number): Session[] {
  const c = endpointOf(rng, rng.pick(LAPTOPS));
  const o = { start, client: c, server: PRINTER.ip, serverPort: 631, rttMs: lanRtt(rng), service: 'http' };
  return [
    tcpSession(rng, o, (t) => {
      t.send(true, between(rng, 200, 400)).burst(true, between(rng, 2, 12), () => segmentSize(rng), 0.05);
      t.reply(false, between(rng, 150, 300)).reply(true, c.ack);
    }),
  ];
}

/** Local MQTT broker on the NAS: tiny plaintext publishes. */
export function iotLocal(rng: Rng, start: number, sensor: LanHost): Session[] {
  const c = endpointOf(rng, sensor);
  const o = { start, client: c, server: NAS.ip, serverPort: 1883, rttMs: lanRtt(rng), service: undefined };
  return [tcpSession(rng, o, (t) => void t.reply(true, between(rng, 60, 150)).reply(false, between(rng, 44, 56)))];
}

/** A host's stable IPv6 link-local address, derived from its IPv4 host number. */
function linkLocal(host: LanHost): string {
  const n = Number(host.ip.split('.')[3]);
  return `fe80::${(0x1a00 + n).toString(16)}:${(0x4e00 + n).toString(16)}`;
}

/** mDNS queries and announcements to the link-local group, from port 5353 (some over IPv6, as Apple devices do). */
export function mdns(rng: Rng, start: number): Session[] {
  const v6 = rng.next() < 0.2;
  const host = rng.pick([...PERSONAL, SMART_TV, PRINTER, NAS]);
  const o = {
    start,
    client: { ip: v6 ? linkLocal(host) : host.ip, port: 5353, ack: 0 },
    server: v6 ? MDNS_GROUP_V6 : MDNS_GROUP,
    serverPort: 5353,
    rttMs: 1,
    service: 'dns',
  };
  return [udpSession(rng, o, (t) => void t.send(true, rng.next() < 0.6 ? between(rng, 60, 140) : between(rng, 140, 480)))];
}

/** UPnP discovery: an M-SEARCH to the SSDP group, unicast answers from port 1900, and NOTIFY announcements. */
export function ssdp(rng: Rng, start: number): Session[] {
  const devices = [ROUTER, NAS, SMART_TV, PRINTER];
  if (rng.next() < 0.5) {
    const notifier = rng.pick(devices);
    const o = { start, client: { ip: notifier.ip, port: 1900, ack: 0 }, server: SSDP_GROUP, serverPort: 1900, rttMs: 1 };
    return [udpSession(rng, o, (t) => void t.burst(true, between(rng, 1, 3), () => between(rng, 300, 450), 2))];
  }
  const searcher = endpointOf(rng, rng.pick([...PERSONAL, SMART_TV]));
  const search = udpSession(rng, { start, client: searcher, server: SSDP_GROUP, serverPort: 1900, rttMs: 1 }, (t) => {
    t.burst(true, between(rng, 1, 3), () => between(rng, 125, 200), 100);
  });
  const answers = devices
    .filter(() => rng.next() < 0.6)
    .map((d, i) =>
      udpSession(
        rng,
        { start: start + 5 + i * 3, client: { ip: d.ip, port: 1900, ack: 0 }, server: searcher.ip, serverPort: searcher.port, rttMs: 1 },
        (t) => void t.send(true, between(rng, 280, 380)),
      ),
    );
  return [search, ...answers];
}

/** DHCP: mostly unicast renewals, now and then a full broadcast DISCOVER/OFFER/REQUEST/ACK. */
export function dhcp(rng: Rng, start: number): Session[] {
  const client = rng.pick([...PERSONAL, SMART_TV, ...SENSORS, PRINTER]);
  if (rng.next() < 0.7) {
    const o = { start, client: { ip: client.ip, port: 68, ack: 0 }, server: ROUTER.ip, serverPort: 67, rttMs: 2, service: 'dhcp' };
    return [udpSession(rng, o, (t) => void t.send(true, between(rng, 328, 345)).reply(false, between(rng, 328, 360)))];
  }
  const asks = { start, client: { ip: '0.0.0.0', port: 68, ack: 0 }, server: BROADCAST, serverPort: 67, rttMs: 2, service: 'dhcp' };
  const offers = { ...asks, start: start + 1, client: { ip: ROUTER.ip, port: 67, ack: 0 }, serverPort: 68 };
  return [
    udpSession(rng, asks, (t) => void t.send(true, between(rng, 328, 345)).send(true, between(rng, 328, 345), 4)),
    udpSession(rng, offers, (t) => void t.send(true, between(rng, 328, 360)).send(true, between(rng, 328, 360), 4)),
  ];
}
