import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { netsentinel } from '../helpers/cli-runner';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { zeekConnTsv } from '../helpers/zeek-conn-writer';
import { fixtureDir, homeTraffic, pcapOf, portScan, SCANNER, type FixtureDir } from './capture-fixtures';

describe('netsentinel import / score with capture files', () => {
  let db: TestDatabase;
  let files: FixtureDir;
  let homeA: string;
  let homeB: string;
  let scan: string;

  beforeAll(async () => {
    db = await createTestDatabase('capture_cli');
    files = await fixtureDir();
    homeA = await files.write('home-a.pcap', pcapOf(homeTraffic(15_000, 1)));
    homeB = await files.write('home-b.pcap', pcapOf(homeTraffic(15_000, 2, 1_700_050_000_000)));
    const start = 1_700_100_000_000;
    scan = await files.write('scan.pcap', pcapOf([...homeTraffic(5_000, 3, start), ...portScan(200, start + 1_000)]));
  }, 60_000);
  afterAll(async () => {
    await files?.remove();
    await db?.drop();
  });

  it('imports several captures into a new flow profile, with a progress bar per file and a summary each', async () => {
    const r = await netsentinel(['import', '--profile', 'home', '--format', 'pcap', homeA, homeB], db.url);
    expect(r.stderr).toMatch(/import 1\/2 home-a\.pcap 100% \d+ stored/);
    expect(r.stderr).toMatch(/import 2\/2 home-b\.pcap 100% \d+ stored/);
    expect(r.stdout).toMatch(/profile home \(flow\): .*home-a\.pcap\n\s+packets\s+15000 \(15000 decoded\)\n\s+flows\s+(\d+)\n\s+stored\s+\1 flows\n/);
    expect(r.stdout).toMatch(/home-b\.pcap/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('scores a capture into JSON lines, one per flow in start order, and names the scanner in the summary', async () => {
    const train = await netsentinel(['train', '--profile', 'home', '--seed', '1', '--wait'], db.url);
    expect(train.code).toBe(0);

    const out = path.join(files.dir, 'scores.jsonl');
    const r = await netsentinel(['score', '--profile', 'home', '--format', 'pcap', scan, '--out', out], db.url);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/score 100% \d+ scored, \d+ anomalies/);
    const scored = Number(/scored\s+(\d+) flows/.exec(r.stdout)?.[1]);
    expect(r.stdout).toMatch(new RegExp(`by source\\s+${SCANNER.replace(/\./g, '\\.')} \\(\\d+\\)`));

    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { time: string; srcIp: string; isAnomaly: boolean; score: number });
    expect(lines).toHaveLength(scored);
    const times = lines.map((l) => Date.parse(l.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const fromScanner = lines.filter((l) => l.srcIp === SCANNER);
    expect(fromScanner.filter((l) => l.isAnomaly).length).toBeGreaterThan(0.9 * fromScanner.length);
  }, 90_000);

  it('writes JSON lines to standard output with --out -, the summary then going to stderr', async () => {
    const log = await files.write('conn.log', zeekConnTsv([
      { ts: '1700200000', 'id.orig_h': '192.168.1.20', 'id.orig_p': '50000', 'id.resp_h': '93.184.216.34', 'id.resp_p': '443', proto: 'tcp', conn_state: 'SF' },
      { ts: '1700200001', 'id.orig_h': '192.168.1.21', 'id.orig_p': '50001', 'id.resp_h': '192.168.1.1', 'id.resp_p': '53', proto: 'udp', conn_state: 'SF' },
    ]));
    const r = await netsentinel(['score', '--profile', 'home', '--format', 'zeek', log, '--out', '-'], db.url);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { srcIp: string }).srcIp)).toEqual(['192.168.1.20', '192.168.1.21']);
    expect(r.stderr).toMatch(/lines\s+2\n\s+scored\s+2 flows/);
  }, 60_000);

  it('refuses bad requests with coded errors, leaving the output file alone', async () => {
    const out = path.join(files.dir, 'never.jsonl');
    const untrained = await netsentinel(['import', '--profile', 'fresh', '--format', 'pcap', '--kind', 'packet', homeA], db.url);
    expect(untrained.stdout).toMatch(/profile fresh \(packet\)/);
    const noModel = await netsentinel(['score', '--profile', 'fresh', '--format', 'pcap', homeA, '--out', out], db.url);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/NO_ACTIVE_MODEL/);
    expect(existsSync(out)).toBe(false);

    const misnamed = await netsentinel(['score', '--profile', 'home', '--format', 'zeek', scan, '--out', out], db.url);
    expect(misnamed.stderr).toMatch(/BAD_USER_INPUT: .*scan\.pcap is pcap, not zeek/);
    const format = await netsentinel(['score', '--profile', 'home', '--format', 'xml', scan, '--out', out], db.url);
    expect(format.stderr).toMatch(/BAD_USER_INPUT: --format must be one of pcap, zeek, csv, kdd/);
    const iface = await netsentinel(['capture', '--interface', 'nosuch0', '--profile', 'home'], db.url);
    expect(iface.code).toBe(1);
    expect(iface.stderr).toMatch(/CAPTURE_INTERFACE_NOT_FOUND: no network interface "nosuch0"/);
  }, 90_000);
});
