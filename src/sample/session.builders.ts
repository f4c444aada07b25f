import type { Rng } from '../util/random';
import { clientPort, type LanHost } from './home-network.hosts';
import { PacketTrain, between, type Session } from './session';

export interface Endpoint {
  ip: string;
  port: number;
  /** Pure-ACK size of the client's stack. */
  ack: number;
}

export function endpointOf(rng: Rng, host: LanHost): Endpoint {
  return { ip: host.ip, port: clientPort(rng, host.habit), ack: host.ack };
}

export interface SessionOptions {
  start: number;
  client: Endpoint;
  server: string;
  serverPort: number;
  rttMs: number;
  service?: string;
}

/**
 * A complete TCP connection: handshake, `body`, FIN exchange. A small share
 * end in a reset, as real connections do, which gives flow profiles the
 * RSTO/RSTR states next to SF.
 */
export function tcpSession(rng: Rng, o: SessionOptions, body: (t: PacketTrain) => void): Session {
  const t = new PacketTrain(rng, o.rttMs);
  const ack = o.client.ack;
  t.send(true, ack + 8).reply(false, 60).reply(true, ack);
  body(t);
  const ending = rng.next();
  let connState = 'SF';
  if (ending < 0.02) {
    t.send(true, 40, 1);
    connState = 'RSTO';
  } else if (ending < 0.03) {
    t.send(false, 40, 1);
    connState = 'RSTR';
  } else {
    t.send(true, ack, between(rng, 1, 50)).reply(false, 52).reply(true, ack);
  }
  return { ...base(o), protocol: 'TCP', connState, packets: t.packets };
}

/** A connection attempt nobody answered (S0) or that was refused with a RST (REJ). */
export function tcpFailed(rng: Rng, o: SessionOptions, refused: boolean): Session {
  const t = new PacketTrain(rng, o.rttMs);
  t.send(true, o.client.ack + 8);
  if (refused) t.reply(false, 40);
  else t.send(true, o.client.ack + 8, 1000);
  return { ...base(o), service: undefined, protocol: 'TCP', connState: refused ? 'REJ' : 'S0', packets: t.packets };
}

/** A UDP exchange; without any server packet Zeek calls it S0. */
export function udpSession(rng: Rng, o: SessionOptions, body: (t: PacketTrain) => void): Session {
  const t = new PacketTrain(rng, o.rttMs);
  body(t);
  const answered = t.packets.some((p) => !p.out);
  return { ...base(o), protocol: 'UDP', connState: answered ? 'SF' : 'S0', packets: t.packets };
}

function base(o: SessionOptions): Pick<Session, 'start' | 'client' | 'server' | 'clientPort' | 'serverPort' | 'service'> {
  return {
    start: o.start,
    client: o.client.ip,
    server: o.server,
    clientPort: o.client.port,
    serverPort: o.serverPort,
    service: o.service,
  };
}

/** Full-size segments dominate bulk transfers; the last one of each response is shorter. */
export function segmentSize(rng: Rng): number {
  return rng.next() < 0.8 ? 1500 : between(rng, 1200, 1499);
}

/** RTT to an Internet server. */
export function wanRtt(rng: Rng): number {
  return 10 + rng.next() * 70;
}

/** RTT inside the home. */
export function lanRtt(rng: Rng): number {
  return 0.3 + rng.next() * 2;
}
