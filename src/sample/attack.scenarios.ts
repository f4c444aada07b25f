import type { Rng } from '../util/random';
import { LAPTOP_LINUX, LAPTOP_WINDOWS, NAS, PRINTER, RESOLVERS, ROUTER, SENSORS, SMART_TV, type LanHost } from './home-network.hosts';
import { PacketTrain, between, type Session, type SessionPacket } from './session';
import { endpointOf, segmentSize, tcpSession, udpSession, wanRtt } from './session.builders';

export const ATTACK_KINDS = ['portscan', 'synflood', 'exfiltration', 'bruteforce', 'dns-tunnel'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** Attackers come from the documentation ranges (TEST-NET-2/3): external, and never a real host. */
function attacker(rng: Rng): string {
  return `${rng.pick(['198.51.100', '203.0.113'])}.${between(rng, 1, 254)}`;
}

/** Public-looking spoofed sources for floods. */
function spoofed(rng: Rng): string {
  const first = rng.pick([23, 31, 45, 62, 77, 89, 91, 103, 118, 121, 141, 176, 185, 193, 195, 212]);
  return `${first}.${between(rng, 0, 255)}.${between(rng, 0, 255)}.${between(rng, 1, 254)}`;
}

/** A connection attempt that never becomes a conversation: a scan probe or a flood SYN. */
function probe(
  start: number,
  client: string,
  clientPort: number,
  server: string,
  serverPort: number,
  connState: string,
  packets: SessionPacket[],
): Session {
  return { start, client, server, clientPort, serverPort, protocol: 'TCP', connState, packets };
}

const SCAN_PORTS = [21, 22, 23, 25, 53, 80, 110, 135, 139, 143, 443, 445, 993, 1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200];
const OPEN_ON_TARGET = new Set([80, 443, 445, 53]);

/**
 * One nmap-style SYN scan: a fixed source port, 44-byte SYNs to many ports;
 * closed ports answer RST (REJ), filtered ones nothing (S0), open ones SYN-ACK
 * followed by the scanner's RST.
 */
export function portscan(rng: Rng, start: number): Session[] {
  const inside = rng.next() < 0.3;
  const source = inside ? rng.pick([LAPTOP_WINDOWS, LAPTOP_LINUX, SENSORS[0]]).ip : attacker(rng);
  const target = rng.pick([NAS, ROUTER, SMART_TV, PRINTER]).ip;
  const srcPort = between(rng, 40000, 65000);
  const probes = between(rng, 40, 200);
  const sessions: Session[] = [];
  for (let i = 0, t = start; i < probes; i++, t += 0.2 + rng.next() * 5) {
    const port = i < SCAN_PORTS.length ? SCAN_PORTS[i] : between(rng, 1, 10000);
    const open = OPEN_ON_TARGET.has(port) && target === NAS.ip;
    const filtered = !open && rng.next() < 0.1;
    const packets: SessionPacket[] = [{ at: 0, out: true, size: 44 }];
    if (open) packets.push({ at: 0.4, out: false, size: 44 }, { at: 0.5, out: true, size: 40 });
    else if (!filtered) packets.push({ at: 0.4, out: false, size: 40 });
    const connState = open ? 'RSTO' : filtered ? 'S0' : 'REJ';
    sessions.push(probe(t, source, srcPort, target, port, connState, packets));
  }
  return sessions;
}

/** Spoofed SYNs at line rate against a NAS service; half-open connections pile up (S0). */
export function synflood(rng: Rng, start: number): Session[] {
  const port = rng.pick([80, 443, 445]);
  const sessions: Session[] = [];
  for (let i = between(rng, 150, 500), t = start; i > 0; i--, t += 0.02 + rng.next() * 0.2) {
    const packets: SessionPacket[] = [{ at: 0, out: true, size: 60 }];
    if (rng.next() < 0.5) packets.push({ at: 0.3, out: false, size: 60 });
    sessions.push(probe(t, spoofed(rng), between(rng, 1024, 65535), NAS.ip, port, 'S0', packets));
  }
  return sessions;
}

/** A compromised LAN host uploading steadily to an unknown server: long runs of full packets out, ACKs back. */
export function exfiltration(rng: Rng, start: number): Session[] {
  const victim = rng.pick([LAPTOP_WINDOWS, LAPTOP_LINUX, NAS]);
  const c = endpointOf(rng, victim);
  const serverPort = rng.pick([443, 8443, 22, 4444]);
  const service = serverPort === 443 ? 'ssl' : serverPort === 22 ? 'ssh' : undefined;
  const o = { start, client: c, server: attacker(rng), serverPort, rttMs: wanRtt(rng), service };
  return [
    tcpSession(rng, o, (t) => {
      for (let run = between(rng, 100, 400); run > 0; run--) {
        t.burst(true, 2, () => segmentSize(rng), 0.2).send(false, 52, 0.1);
      }
    }),
  ];
}

/** Password guessing: many short logins to SSH/Telnet/SMB/RDP, each failing after a key exchange. */
export function bruteforce(rng: Rng, start: number): Session[] {
  const source = attacker(rng);
  const [target, serverPort, service] = rng.pick<[LanHost, number, string | undefined]>([
    [NAS, 22, 'ssh'],
    [ROUTER, 23, undefined],
    [NAS, 445, 'smb'],
    [LAPTOP_WINDOWS, 3389, undefined],
  ]);
  const firstPort = between(rng, 32768, 60000);
  const sessions: Session[] = [];
  const attempts = between(rng, 10, 40);
  for (let i = 0, t = start; i < attempts; i++, t += 300 + rng.next() * 2500) {
    const client = { ip: source, port: firstPort + i, ack: 52 };
    const o = { start: t, client, server: target.ip, serverPort, rttMs: wanRtt(rng), service };
    sessions.push(
      tcpSession(rng, o, (train: PacketTrain) => {
        train.reply(false, between(rng, 60, 100)).reply(true, between(rng, 60, 100));
        train.reply(true, between(rng, 1000, 1500)).reply(false, between(rng, 1000, 1500));
        for (let attempt = between(rng, 1, 3); attempt > 0; attempt--) {
          train.reply(true, between(rng, 100, 200)).reply(false, between(rng, 80, 120));
        }
      }),
    );
  }
  return sessions;
}

/** Data smuggled in DNS: a steady stream of long random-label queries and large (EDNS) TXT answers. */
export function dnsTunnel(rng: Rng, start: number): Session[] {
  const host = rng.pick([LAPTOP_WINDOWS, LAPTOP_LINUX, SENSORS[1]]);
  const resolver = rng.next() < 0.5 ? ROUTER.ip : rng.pick(RESOLVERS);
  const sessions: Session[] = [];
  for (let i = between(rng, 40, 150), t = start; i > 0; i--, t += 20 + rng.next() * 180) {
    const o = { start: t, client: endpointOf(rng, host), server: resolver, serverPort: 53, rttMs: wanRtt(rng), service: 'dns' };
    sessions.push(udpSession(rng, o, (train) => void train.send(true, between(rng, 180, 300)).reply(false, between(rng, 400, 1200))));
  }
  return sessions;
}

export const ATTACKS: Record<AttackKind, (rng: Rng, start: number) => Session[]> = {
  portscan,
  synflood,
  exfiltration,
  bruteforce,
  'dns-tunnel': dnsTunnel,
};
