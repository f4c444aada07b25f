import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { ctuZeek008 } from '../../src/eval/loaders/ctu-zeek.loader';
import { nslKdd, readKddFile } from '../../src/eval/loaders/nsl-kdd.loader';
import { odds, readOddsFile } from '../../src/eval/loaders/odds.loader';
import { pcapScenarios } from '../../src/eval/loaders/pcap-scenarios.loader';
import { classifyAddress } from '../../src/features/address.features';
import { pcapFile, tcpFrame, udpFrame } from '../helpers/pcap-writer';
import { zeekConnTsv } from '../helpers/zeek-conn-writer';
import { npyBytes } from './npy-fixture';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netsentinel-eval-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: string | Uint8Array): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

/** An NSL-KDD row: 41 features, the label, the difficulty. */
function kddRow(service: string, srcBytes: number, label: string): string {
  const fields = Array.from({ length: 41 }, () => '0');
  fields[1] = 'tcp';
  fields[2] = service;
  fields[3] = 'SF';
  fields[4] = String(srcBytes);
  return [...fields, label, '21'].join(',');
}

describe('NSL-KDD loader', () => {
  it('reads rows as the importer does: named attributes, the attack as label, no difficulty', () => {
    const [r] = readKddFile(write('t.txt', `${kddRow('http', 215, 'normal')}\n`));
    expect(r.label).toBe('normal');
    expect(r.attributes).toMatchObject({ protocol_type: 'tcp', service: 'http', flag: 'SF', src_bytes: 215 });
    expect(Object.keys(r.attributes!)).toHaveLength(41);
  });

  it('subsamples the attacks of both files to 5%', () => {
    const file = [...Array.from({ length: 95 }, (_, i) => kddRow('http', i, 'normal')), ...Array.from({ length: 60 }, () => kddRow('private', 0, 'neptune'))];
    write('flows/nsl-kdd/KDDTrain+_20Percent.txt', file.join('\n'));
    write('flows/nsl-kdd/KDDTest+.txt', file.join('\n'));
    const set = nslKdd(dir, 1);
    for (const part of [set.train, set.test]) expect(part.filter((r) => r.label === 'neptune')).toHaveLength(5);
    expect(set.kind).toBe('tabular');
  });
});

describe('ODDS loader', () => {
  it('reads X and y of an .npz into labelled rows and splits them in two', () => {
    const n = 40;
    const X = Array.from({ length: n * 3 }, (_, i) => i);
    const y = Array.from({ length: n }, (_, i) => (i < 2 ? 1 : 0));
    write('flows/odds-kdd99/34_smtp.npz', zipSync({ 'X.npy': npyBytes('<f8', [n, 3], X), 'y.npy': npyBytes('<i8', [n], y) }));
    const rows = readOddsFile(join(dir, 'flows/odds-kdd99/34_smtp.npz'));
    expect(rows[1]).toEqual({ attributes: { duration: 3, src_bytes: 4, dst_bytes: 5 }, label: 'attack' });
    expect(rows[2].label).toBe('normal');
    const set = odds(dir, 'smtp', 5);
    expect(set.train.length + set.test.length).toBe(n);
    expect(set.train.length).toBeGreaterThan(0);
    expect(set.test.length).toBeGreaterThan(0);
  });
});

describe('CTU Zeek loader', () => {
  it('splits the log by time, drops Background, and never puts the label in a feature', async () => {
    const row = (i: number, label: string) => ({
      ts: String(1655071198 + i), uid: `C${i}`, 'id.orig_h': '147.32.81.167', 'id.orig_p': String(50000 + i), 'id.resp_h': '40.74.108.123',
      'id.resp_p': '443', proto: 'tcp', conn_state: 'SF', orig_ip_bytes: '100', resp_ip_bytes: '200', label, detailedlabel: 'x',
    });
    const rows = Array.from({ length: 40 }, (_, i) => row(i, i % 10 === 0 ? 'Background' : 'Benign'));
    write('flows/ctu-normal-zeek-labeled/008-conn.log.labeled', zeekConnTsv(rows));
    const set = await ctuZeek008(dir, 1, { windowed: true });
    expect(set.train).toHaveLength(18);
    expect(set.test).toHaveLength(18);
    expect(set.train.every((r) => r.timestamp! < set.test[0].timestamp!)).toBe(true);
    for (const r of [...set.train, ...set.test]) {
      expect(r.label).toBe('Benign');
      expect(Object.keys(r.attributes ?? {}).join()).not.toMatch(/label|uid/i);
      expect(r.attributes).toHaveProperty('host_rate_1s');
    }
  });
});

describe('pcap scenarios', () => {
  const client = { ip: '192.168.1.7', port: 40000 };
  const resolver = { ip: '8.8.8.8', port: 53 };
  const scanner = { ip: '10.0.0.9', port: 55555 };

  it('merges each attack capture into the benign ones from one start and labels flows by capture', async () => {
    const benign = Array.from({ length: 6 }, (_, i) => ({ timestampMs: 1_000_000 + i * 100, data: udpFrame({ ...client, port: client.port + i }, resolver, 40) }));
    const scan = Array.from({ length: 3 }, (_, i) => ({ timestampMs: 9_000_000_000 + i, data: tcpFrame(scanner, { ip: client.ip, port: 20 + i }, { flags: 'S' }) }));
    write('pcaps/benign/dns.pcap', pcapFile({ records: benign }));
    write('pcaps/attack/portscan/scan.pcap', pcapFile({ records: scan }));
    const [set, ...rest] = await pcapScenarios(dir, 1, { windowed: false });
    expect(rest).toHaveLength(0);
    expect(set.name).toBe('pcap portscan/scan.pcap');
    expect(set.train).toHaveLength(6);
    expect(set.train.every((r) => r.label === 'benign')).toBe(true);
    const attacks = set.test.filter((r) => r.label === 'attack');
    expect(attacks.map((r) => r.srcIp)).toEqual(['10.0.0.9']);
    expect(set.testSources?.filter((s) => s === 'attack/portscan/scan.pcap')).toHaveLength(1);
    // Time-shifted: the scan starts with the benign traffic, not days later.
    const starts = set.test.map((r) => r.timestamp!);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(1000);
  });

  it('keeps an attack capture off the addresses the benign captures use, so benign flows keep their features', async () => {
    const benign = Array.from({ length: 6 }, (_, i) => ({ timestampMs: 1_000_000 + i * 100, data: udpFrame({ ...client, port: client.port + i }, resolver, 40) }));
    // The attacker reuses the benign client's address (another network, same private range) and its resolver.
    const clash = Array.from({ length: 40 }, (_, i) => ({ timestampMs: 5_000 + i, data: udpFrame({ ...client, port: 30000 + i }, resolver, 400) }));
    write('pcaps/benign/dns.pcap', pcapFile({ records: benign }));
    write('pcaps/attack/dns-tunnel/clash.pcap', pcapFile({ records: clash }));
    const [set] = await pcapScenarios(dir, 1, { windowed: true });
    const benignInTest = set.test.filter((r) => r.label === 'benign');
    expect(benignInTest).toEqual(set.train);
    const attacks = set.test.filter((r) => r.label === 'attack');
    expect(attacks.length).toBeGreaterThan(0);
    for (const r of attacks) {
      expect(r.srcIp).not.toBe(client.ip);
      expect(r.destIp).not.toBe(resolver.ip);
      expect(classifyAddress(r.srcIp!)).toBe(classifyAddress(client.ip));
      expect(classifyAddress(r.destIp!)).toBe(classifyAddress(resolver.ip));
    }
  });
});
