/** Capture files for the import / score / live tests: seeded home traffic, optionally with a port scan mixed in. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Services } from '../../src/app/services';
import { generateTraffic, type GeneratedPacket } from '../helpers/pcap-traffic';
import { pcapFile, tcpFrame } from '../helpers/pcap-writer';
import { ref } from '../helpers/profile-ref';

export const SCANNER = '10.66.6.6';
export const SCAN_TARGET = '192.168.1.10';

export function homeTraffic(packets: number, seed: number, startMs = 1_700_000_000_000): GeneratedPacket[] {
  return [...generateTraffic({ packets, seed, scanEvery: 0, startMs })];
}

/** SYNs from SCANNER to `ports` ports of SCAN_TARGET (closed: each answered by RST), one probe every `gapMs`. */
export function portScan(ports: number, startMs: number, gapMs = 2): GeneratedPacket[] {
  const out: GeneratedPacket[] = [];
  for (let port = 1; port <= ports; port++) {
    const t = startMs + port * gapMs;
    const scanner = { ip: SCANNER, port: 40_000, mac: '02:00:00:00:66:06' };
    const target = { ip: SCAN_TARGET, port, mac: '02:00:00:00:01:0a' };
    out.push({ timestampMs: t, frame: tcpFrame(scanner, target, { flags: 'S', seq: 1000 }) });
    out.push({ timestampMs: t + 0.2, frame: tcpFrame(target, scanner, { flags: 'RA', seq: 0, ack: 1001, window: 0 }) });
  }
  return out;
}

export function pcapOf(packets: GeneratedPacket[]): Buffer {
  const sorted = [...packets].sort((a, b) => a.timestampMs - b.timestampMs);
  return pcapFile({ records: sorted.map((p) => ({ timestampMs: p.timestampMs, data: p.frame })) });
}

export interface FixtureDir {
  dir: string;
  write(name: string, content: Buffer | string): Promise<string>;
  remove(): Promise<void>;
}

export async function fixtureDir(): Promise<FixtureDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netsentinel-capture-'));
  return {
    dir,
    async write(name, content) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Trains the profile's models on its stored traffic, through the job service, and waits for them. */
export async function trainProfile(services: Services, profile: string): Promise<void> {
  const job = await services.training.submit(ref(profile), { seed: 1 });
  const done = await services.training.waitFor(job.id);
  if (done.state !== 'COMPLETED') throw new Error(`training ${profile}: ${done.state} ${done.error ?? ''}`);
}
