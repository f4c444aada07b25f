import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { importCaptureFile } from '../../src/capture/capture-import';
import { AppError } from '../../src/errors/app-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { importDataset } from '../../src/import/dataset.importer';
import { openRecordFile, type RecordFileOptions } from '../../src/scoring/record-files';
import { scoreRecords, type ScoreSummary } from '../../src/scoring/record-scorer';
import { StartOrderedLines } from '../../src/scoring/start-ordered-lines';
import { kddRows } from '../helpers/dataset-files';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { zeekConnTsv } from '../helpers/zeek-conn-writer';
import { fixtureDir, homeTraffic, pcapOf, portScan, SCANNER, trainProfile, type FixtureDir } from './capture-fixtures';
import { ref } from '../helpers/profile-ref';

interface Line {
  time?: string;
  srcIp?: string;
  destIp?: string;
  destPort?: number;
  label?: string;
  score: number;
  isAnomaly: boolean;
  anomalyId?: string;
  explanation?: { feature: string; message: string };
}

const ONLY_FOREST = [{ name: 'isolation-forest', params: { nEstimators: 100 } }];

describe('capture files: import and score through the detection service', () => {
  let server: TestServer;
  let files: FixtureDir;
  let benign: string;
  let attack: string;
  const deps = () => ({ profiles: server.services.profiles, traffic: server.services.traffic });

  beforeAll(async () => {
    server = await startTestServer('capture_files');
    files = await fixtureDir();
    benign = await files.write('home.pcap', pcapOf(homeTraffic(30_000, 1)));
    const start = 1_700_100_000_000;
    attack = await files.write('scan.pcap', pcapOf([...homeTraffic(8_000, 2, start), ...portScan(300, start + 2_000)]));
  }, 120_000);
  afterAll(async () => {
    await files?.remove();
    await server?.close();
  });

  async function score(profile: string, opts: RecordFileOptions, explainAll = false): Promise<{ lines: Line[]; summary: ScoreSummary }> {
    const input = await openRecordFile(await server.services.profiles.get(ref(profile)), opts);
    const chunks: string[] = [];
    const summary = await scoreRecords(server.services.detection, {
      profile: ref(profile),
      batches: input.reader,
      sink: async (text) => {
        chunks.push(text);
      },
      reorderByStart: input.endOrdered,
      startWatermark: input.startWatermark,
      explainAll,
    });
    const lines = chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
    return { lines, summary };
  }

  it('imports a pcap as flow records with windowed features into a new flow profile', async () => {
    const summary = await importCaptureFile(deps(), { profile: ref('home'), format: 'pcap', file: benign, kindIfNew: 'flow' });
    expect(summary.stats.capture).toMatchObject({ packets: 30_000, decoded: 30_000 });
    expect(summary.stored).toBe(summary.stats.flows?.flows);
    expect(summary.stored).toBeGreaterThan(1000);
    const profile = await server.services.profiles.get(ref('home'));
    expect(profile.kind).toBe('FLOW');
    const [stored] = await server.services.traffic.chunks({ profileId: profile.id, limit: 1 }).next().then((r) => r.value ?? []);
    expect(Object.keys(stored.attributes ?? {})).toEqual(expect.arrayContaining(['host_rate_1s', 'host_fanout_ports_1m', 'orig_ip_bytes']));
  }, 60_000);

  it('scores every flow in start order: the scanner stands out, the home traffic stays quiet, anomalies are stored', async () => {
    await server.services.profiles.upsert('default', { name: 'home', detectors: ONLY_FOREST });
    await trainProfile(server.services, 'home');
    const { lines, summary } = await score('home', { format: 'pcap', file: attack });

    expect(lines).toHaveLength(summary.records);
    const times = lines.map((l) => Date.parse(l.time ?? ''));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const scan = lines.filter((l) => l.srcIp === SCANNER);
    const home = lines.filter((l) => l.srcIp !== SCANNER);
    expect(scan).toHaveLength(300);
    expect(scan.filter((l) => l.isAnomaly).length).toBeGreaterThan(0.9 * scan.length);
    expect(home.filter((l) => l.isAnomaly).length).toBeLessThan(0.05 * home.length);
    expect(summary.sources[0].host).toBe(SCANNER);
    expect(lines.every((l) => typeof l.score === 'number' && (l.explanation !== undefined) === l.isAnomaly)).toBe(true);
    expect(lines.filter((l) => l.isAnomaly).every((l) => typeof l.anomalyId === 'string' && l.explanation?.message)).toBe(true);

    const stored = await server.services.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM "Anomaly" a JOIN "Profile" p ON p.id = a."profileId" WHERE p.name = $1',
      ['home'],
    );
    expect(Number(stored.rows[0].n)).toBe(summary.anomalies);
  }, 120_000);

  it('scores a Zeek conn.log with the same flow profile, one line per row in file order, explaining all on request', async () => {
    const rows = [443, 53, 4444].map((port, i) => ({
      ts: String(1_700_200_000 + i), 'id.orig_h': '192.168.1.20', 'id.orig_p': String(50_000 + i), 'id.resp_h': '93.184.216.34',
      'id.resp_p': String(port), proto: port === 53 ? 'udp' : 'tcp', duration: '0.5', orig_ip_bytes: '400', resp_ip_bytes: '900',
      conn_state: 'SF', orig_pkts: '4', resp_pkts: '4', label: 'Benign',
    }));
    const log = await files.write('conn.log', zeekConnTsv(rows));
    const { lines } = await score('home', { format: 'zeek', file: log }, true);
    expect(lines.map((l) => l.destPort)).toEqual([443, 53, 4444]);
    expect(lines.every((l) => l.explanation?.feature)).toBe(true);
    expect(lines.map((l) => l.label)).toEqual(['Benign', 'Benign', 'Benign']);
  }, 60_000);

  it('scores packets in input order with a packet profile', async () => {
    await server.services.profiles.upsert('default', { name: 'packets', kind: 'PACKET', detectors: ONLY_FOREST });
    const training = await files.write('home-small.pcap', pcapOf(homeTraffic(6_000, 4)));
    await importCaptureFile(deps(), { profile: ref('packets'), format: 'pcap', file: training, kindIfNew: 'flow' });
    await trainProfile(server.services, 'packets');
    const traffic = homeTraffic(2_000, 3);
    const { lines, summary } = await score('packets', { format: 'pcap', file: await files.write('few.pcap', pcapOf(traffic)) });
    expect(summary.records).toBe(2_000);
    expect(lines.map((l) => Date.parse(l.time ?? ''))).toEqual(traffic.map((p) => Math.floor(p.timestampMs)));
  }, 120_000);

  it('scores dataset rows (kdd) with a tabular profile', async () => {
    const kdd = await files.write('kdd.txt', kddRows(600, 50).join('\n'));
    await importDataset({ profiles: server.services.profiles, traffic: server.services.traffic }, { profile: ref('kdd'), format: 'kdd', file: kdd });
    await server.services.profiles.upsert('default', { name: 'kdd', detectors: ONLY_FOREST });
    await trainProfile(server.services, 'kdd');
    const { lines, summary } = await score('kdd', { format: 'kdd', file: kdd });
    expect(lines).toHaveLength(600);
    expect(lines.filter((l) => l.label !== 'normal.').every((l) => l.isAnomaly)).toBe(true);
    expect(summary.anomalies).toBeGreaterThanOrEqual(12);
  }, 120_000);

  it('refuses what does not fit with coded errors, before reading or writing anything', async () => {
    const code = async (run: () => Promise<unknown>) => {
      const err = await run().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      return (err as AppError).code;
    };
    const profile = (name: string) => server.services.profiles.get(ref(name));
    const log = await files.write('conn2.log', zeekConnTsv([{ ts: '1700000000', 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2', proto: 'tcp' }]));

    expect(await code(async () => openRecordFile(await profile('kdd'), { format: 'pcap', file: benign }))).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await code(async () => openRecordFile(await profile('home'), { format: 'csv', file: benign }))).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await code(async () => openRecordFile(await profile('packets'), { format: 'zeek', file: log }))).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await code(async () => openRecordFile(await profile('home'), { format: 'pcap', file: `${files.dir}/missing.pcap` }))).toBe(
      ErrorCode.BAD_USER_INPUT,
    );
    // Named pcap, but a Zeek log: noticed from its first bytes.
    const misnamed = await openRecordFile(await profile('home'), { format: 'pcap', file: log });
    expect(await code(() => scoreRecords(server.services.detection, { profile: ref('home'), batches: misnamed.reader, sink: async () => undefined, reorderByStart: false }))).toBe(
      ErrorCode.BAD_USER_INPUT,
    );
    // Garbage named pcap.
    const junk = await openRecordFile(await profile('home'), { format: 'pcap', file: await files.write('junk.pcap', 'GET / HTTP/1.1\r\n') });
    expect(await code(() => scoreRecords(server.services.detection, { profile: ref('home'), batches: junk.reader, sink: async () => undefined, reorderByStart: false }))).toBe(
      ErrorCode.MALFORMED_CAPTURE,
    );
    // No model yet: refused before the file is read.
    await server.services.profiles.upsert('default', { name: 'untrained', kind: 'FLOW' });
    const untrained = await openRecordFile(await profile('untrained'), { format: 'pcap', file: benign });
    expect(await code(() => scoreRecords(server.services.detection, { profile: ref('untrained'), batches: untrained.reader, sink: async () => undefined, reorderByStart: true }))).toBe(
      ErrorCode.NO_ACTIVE_MODEL,
    );
    expect(untrained.reader.fraction()).toBe(0);
  }, 60_000);
});

describe('StartOrderedLines', () => {
  it('orders lines by key, ties in arrival order, spilling sorted runs to disk and deleting them', async () => {
    const before = new Set(await readdir(tmpdir()));
    const ordered = new StartOrderedLines(7);
    const keys = Array.from({ length: 100 }, (_, i) => (i * 37) % 23);
    for (const [i, key] of keys.entries()) await ordered.add(key, `${key}:${i}`);
    const spilled = (await readdir(tmpdir())).filter((f) => !before.has(f) && f.startsWith('netsentinel-order-'));
    expect(spilled).toHaveLength(1);
    let out = '';
    await ordered.drain(async (text) => {
      out += text;
    });
    await ordered.close();
    const expected = keys.map((key, i) => ({ key, i })).sort((a, b) => a.key - b.key || a.i - b.i).map((e) => `${e.key}:${e.i}`);
    expect(out.split('\n').filter((l) => l !== '')).toEqual(expected);
    expect(existsSync(`${tmpdir()}/${spilled[0]}`)).toBe(false);
  });

  it('writes the lines below a watermark at once, merged with what was spilled, and the rest at drain', async () => {
    const ordered = new StartOrderedLines(4);
    const out: string[] = [];
    const sink = async (text: string) => {
      out.push(...text.split('\n').filter((l) => l !== ''));
    };
    // The fourth line spills 1, 3, 5, 9 to a file; 7 and 2 stay in memory.
    for (const key of [5, 1, 9, 3, 7, 2]) await ordered.add(key, `k${key}`);
    await ordered.release(4, sink);
    expect(out).toEqual(['k1', 'k2', 'k3']);
    for (const key of [4, 8, 4]) await ordered.add(key, `k${key}`);
    await ordered.release(6, sink);
    expect(out).toEqual(['k1', 'k2', 'k3', 'k4', 'k4', 'k5']);
    await ordered.drain(sink);
    await ordered.close();
    expect(out).toEqual(['k1', 'k2', 'k3', 'k4', 'k4', 'k5', 'k7', 'k8', 'k9']);
  });

  it('puts out every line once, in key order with ties in arrival order, whatever the batches, releases and spills', async () => {
    // Batches of lines, each followed by a release at a watermark no later line is below (the least key still to come).
    const batches = fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 20, noNaN: true })), { maxLength: 12 }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(batches, fc.integer({ min: 1, max: 15 }), async (keyBatches, maxBuffered) => {
        const ordered = new StartOrderedLines(maxBuffered);
        const out: string[] = [];
        const sink = async (text: string) => void out.push(...text.split('\n').filter((l) => l !== ''));
        const added: { key: number; line: string }[] = [];
        for (const [b, keys] of keyBatches.entries()) {
          for (const key of keys) {
            const line = `${key}#${added.length}`;
            added.push({ key, line });
            await ordered.add(key, line);
          }
          const watermark = Math.min(...keyBatches.slice(b + 1).flat());
          await ordered.release(watermark, sink);
          expect(out).toEqual(stableByKey(added.filter((e) => e.key < watermark)));
        }
        await ordered.drain(sink);
        await ordered.close();
        expect(out).toEqual(stableByKey(added));
      }),
      { numRuns: 300 },
    );
  });

  it('merges spilled lines longer than a read chunk, multi-byte characters cut at chunk edges intact', async () => {
    const ordered = new StartOrderedLines(3);
    // Lines of 20k to 100k characters, 2- and 3-byte ones among them: chunk edges fall inside lines and characters.
    const lines = Array.from({ length: 10 }, (_, i) => `${i}:${'é€a'.repeat(7_000 + i * 3_001)}`);
    for (const [i, line] of lines.entries()) await ordered.add(10 - i, line);
    let out = '';
    await ordered.drain(async (text) => {
      out += text;
    });
    await ordered.close();
    expect(out).toBe(`${[...lines].reverse().join('\n')}\n`);
  });
});

function stableByKey(entries: { key: number; line: string }[]): string[] {
  return [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => e.line);
}
