/**
 * A seeded, plausible home-network packet stream for fixtures and the
 * benchmark: web and TLS sessions with handshakes, data and FIN close, DNS and
 * NTP over UDP, pings, ARP, SSH, rejected connections and now and then a
 * SYN port scan, interleaved as concurrent sessions.
 */
import { createRng, Rng } from '../../src/util/random';
import { arpFrame, Endpoint, icmpFrame, tcpFrame, udpFrame } from './pcap-writer';

export interface GeneratedPacket {
  timestampMs: number;
  frame: Buffer;
}

export interface TrafficOptions {
  packets: number;
  seed?: number;
  startMs?: number;
  /** Mean time between packets. */
  meanGapMs?: number;
  /** Sessions in progress at once. */
  concurrency?: number;
  internalHosts?: number;
  externalHosts?: number;
  /** Sessions per scan (0 disables scans). */
  scanEvery?: number;
}

type Session = Iterator<Buffer>;

const GATEWAY_MAC = '02:00:00:00:00:fe';

export function* generateTraffic(options: TrafficOptions): Generator<GeneratedPacket> {
  const rng = createRng(options.seed ?? 1);
  const world = new World(rng, options.internalHosts ?? 40, options.externalHosts ?? 2000, options.scanEvery ?? 2000);
  const sessions: Session[] = Array.from({ length: options.concurrency ?? 64 }, () => world.newSession());
  const meanGap = options.meanGapMs ?? 1;
  let now = options.startMs ?? 1_700_000_000_000;
  for (let emitted = 0; emitted < options.packets; ) {
    const slot = rng.int(sessions.length);
    const next = sessions[slot].next();
    if (next.done) {
      sessions[slot] = world.newSession();
      continue;
    }
    now += -Math.log(1 - rng.next()) * meanGap;
    emitted++;
    yield { timestampMs: Math.round(now * 1000) / 1000, frame: next.value };
  }
}

class World {
  private readonly internal: Required<Endpoint>[];
  private readonly external: string[];
  private readonly nextPort = new Map<string, number>();
  private sessionsStarted = 0;

  constructor(private readonly rng: Rng, internalHosts: number, externalHosts: number, private readonly scanEvery: number) {
    this.internal = Array.from({ length: internalHosts }, (_, i) => ({
      ip: `192.168.1.${10 + i}`, port: 0, mac: `02:00:00:00:01:${(10 + i).toString(16).padStart(2, '0')}`,
    }));
    this.external = Array.from({ length: externalHosts }, () => `${1 + rng.int(222)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`);
  }

  newSession(): Session {
    this.sessionsStarted++;
    if (this.scanEvery > 0 && this.sessionsStarted % this.scanEvery === 0) return this.portScan();
    const roll = this.rng.next();
    if (roll < 0.35) return this.tcpSession(443, 2 + this.rng.int(6));
    if (roll < 0.45) return this.tcpSession(80, 1 + this.rng.int(3));
    if (roll < 0.70) return this.udpExchange(53);
    if (roll < 0.75) return this.udpExchange(123);
    if (roll < 0.82) return this.ping();
    if (roll < 0.88) return this.arp();
    if (roll < 0.92) return this.tcpSession(22, 20 + this.rng.int(40));
    return this.rejected();
  }

  private client(): Required<Endpoint> {
    const host = this.rng.pick(this.internal);
    const port = this.nextPort.get(host.ip) ?? 32768 + this.rng.int(1000);
    this.nextPort.set(host.ip, port >= 60999 ? 32768 : port + 1);
    return { ...host, port };
  }

  private server(port: number): Required<Endpoint> {
    return { ip: this.rng.pick(this.external), port, mac: GATEWAY_MAC };
  }

  /** Handshake, request/response rounds, FIN close. */
  private *tcpSession(port: number, rounds: number): Session {
    const c = this.client();
    const s = this.server(port);
    let cs = this.rng.int(2 ** 31);
    let ss = this.rng.int(2 ** 31);
    yield tcpFrame(c, s, { flags: 'S', seq: cs++ });
    yield tcpFrame(s, c, { flags: 'SA', seq: ss++, ack: cs });
    yield tcpFrame(c, s, { flags: 'A', seq: cs, ack: ss });
    for (let i = 0; i < rounds; i++) {
      const request = 60 + this.rng.int(500);
      yield tcpFrame(c, s, { flags: 'PA', seq: cs, ack: ss, payload: request });
      cs += request;
      for (let segments = 1 + this.rng.int(4); segments > 0; segments--) {
        const response = 200 + this.rng.int(1260);
        yield tcpFrame(s, c, { flags: 'PA', seq: ss, ack: cs, payload: response });
        ss += response;
      }
      yield tcpFrame(c, s, { flags: 'A', seq: cs, ack: ss });
    }
    yield tcpFrame(c, s, { flags: 'FA', seq: cs++, ack: ss });
    yield tcpFrame(s, c, { flags: 'FA', seq: ss++, ack: cs });
    yield tcpFrame(c, s, { flags: 'A', seq: cs, ack: ss });
  }

  private *rejected(): Session {
    const c = this.client();
    const s = this.server(this.rng.pick([23, 25, 8080, 3389]));
    yield tcpFrame(c, s, { flags: 'S', seq: 5000 });
    yield tcpFrame(s, c, { flags: 'RA', seq: 0, ack: 5001, window: 0 });
  }

  private *udpExchange(port: number): Session {
    const c = this.client();
    const s = port === 53 ? { ip: '192.168.1.1', port, mac: GATEWAY_MAC } : this.server(port);
    yield udpFrame(c, s, 30 + this.rng.int(40));
    yield udpFrame(s, c, 60 + this.rng.int(300));
  }

  private *ping(): Session {
    const c = { ...this.client(), port: 0 };
    const s = this.server(0);
    for (let i = 1 + this.rng.int(4); i > 0; i--) {
      yield icmpFrame(c, s, 8, 0, 56);
      yield icmpFrame(s, c, 0, 0, 56);
    }
  }

  private *arp(): Session {
    const asker = this.rng.pick(this.internal);
    const target = this.rng.pick(this.internal);
    yield arpFrame(1, asker, target.ip);
    yield arpFrame(2, target, asker.ip);
  }

  /** One internal host probes 200 ports of another; closed ports answer RST. */
  private *portScan(): Session {
    const scanner = this.client();
    const target = { ...this.rng.pick(this.internal), port: 0 };
    for (let port = 1; port <= 200; port++) {
      const dst = { ...target, port };
      yield tcpFrame(scanner, dst, { flags: 'S', seq: 777 });
      yield tcpFrame(dst, scanner, { flags: 'RA', seq: 0, ack: 778, window: 0 });
    }
  }
}
