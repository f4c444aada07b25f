import { importDataset } from '../../src/import/dataset.importer';
import { decimalAt } from '../../src/import/cell';
import { splitCsv } from '../../src/import/csv-fields';
import { KDD_FEATURES } from '../../src/import/kdd.format';
import type { TrafficRecord } from '../../src/records/traffic-record';
import { datasetDir, kddRows } from '../helpers/dataset-files';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { ref } from '../helpers/profile-ref';

describe('dataset import', () => {
  let server: TestServer;
  let files: Awaited<ReturnType<typeof datasetDir>>;
  beforeAll(async () => {
    server = await startTestServer('dataset_import');
    files = await datasetDir();
  }, 120_000);
  afterAll(async () => {
    await files?.remove();
    await server?.close();
  });

  const deps = () => ({ profiles: server.services.profiles, traffic: server.services.traffic });
  /** The profile's stored records, read back the way training reads them. */
  const stored = async (profile: string) => {
    const profileId = (await server.services.profiles.get(ref(profile))).id;
    const records: TrafficRecord[] = [];
    for await (const chunk of server.services.traffic.chunks({ profileId })) records.push(...chunk);
    return records.map((record) => ({ record, label: record.label ?? null }));
  };

  it('stores a CSV as a tabular profile: columns become attributes, the label is kept apart, identifiers dropped', async () => {
    const file = await files.file('flows.csv', 'id,bytes,proto,ratio,class\n1,100,tcp,0.5,benign\n2,2500,"udp",1e-3,attack\n3,?,icmp,2,benign\n');
    const summary = await importDataset(deps(), { profile: ref('csv1'), format: 'csv', file, csv: { labelColumn: 'class', dropColumns: ['id'] } });
    expect(summary).toMatchObject({ rowsRead: 3, stored: 3, rejected: 0, reasons: [] });
    expect((await server.services.profiles.get(ref('csv1'))).kind).toBe('TABULAR');
    const rows = await stored('csv1');
    expect(rows.map((r) => r.record.attributes)).toEqual([
      { bytes: 100, proto: 'tcp', ratio: 0.5 },
      { bytes: 2500, proto: 'udp', ratio: 0.001 },
      { proto: 'icmp', ratio: 2 },
    ]);
    expect(rows.map((r) => r.label)).toEqual(['benign', 'attack', 'benign']);
  });

  it('reads gzip-compressed KDD files, NSL-KDD rows with a difficulty level included', async () => {
    const nsl = `${kddRows(1)[0]},21`;
    const file = await files.file('kdd.data.gz', [...kddRows(20), nsl].join('\n'), true);
    const summary = await importDataset(deps(), { profile: ref('kdd1'), format: 'kdd', file });
    expect(summary).toMatchObject({ rowsRead: 21, stored: 21, rejected: 0 });
    const [first] = await stored('kdd1');
    expect(Object.keys(first.record.attributes ?? {}).sort()).toEqual([...KDD_FEATURES].sort());
    expect(first.record.attributes).toMatchObject({ protocol_type: 'tcp', service: 'http', flag: 'SF', src_bytes: 200 });
    expect(first.label).toBe('normal.');
  });

  it('skips malformed rows with their reasons and line numbers, and stores the rest', async () => {
    const good = kddRows(5);
    const lines = [good[0], '1,tcp,http', good[1], '', `abc${good[2].slice(good[2].indexOf(','))}`, good[3], '7,tcp,http', good[4]];
    const file = await files.file('broken.kdd', lines.join('\n'));
    const summary = await importDataset(deps(), { profile: ref('kdd2'), format: 'kdd', file });
    expect(summary).toMatchObject({ rowsRead: 7, stored: 4, rejected: 3 });
    expect(summary.reasons).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^wrong number of fields/), count: 2, firstLine: 2, detail: 'got 3' }),
      expect.objectContaining({ reason: 'duration is not a number', count: 1, firstLine: 5 }),
    ]);

    const csv = await files.file('broken.csv', 'a,b\n1,2\n3\n"multi\nline",4\n5,"never closed\n6,7\n');
    const s2 = await importDataset(deps(), { profile: ref('csv2'), format: 'csv', file: csv });
    expect(s2).toMatchObject({ stored: 2, rejected: 2 });
    expect(s2.reasons.map((r) => [r.reason, r.firstLine])).toEqual(
      expect.arrayContaining([['wrong number of fields (expected 2)', 3], ['unterminated quoted field', 6]]),
    );
    expect((await stored('csv2')).map((r) => r.record.attributes)).toEqual([{ a: 1, b: 2 }, { a: 'multi\nline', b: 4 }]);
  });

  it('rejects KDD rows with too many fields or an empty symbolic field', async () => {
    const [a, b, c] = kddRows(3);
    const lines = [a, `${b},21,extra`, b.replace(',tcp,', ',,'), c];
    const file = await files.file('more-broken.kdd', lines.join('\n'));
    const summary = await importDataset(deps(), { profile: ref('kdd5'), format: 'kdd', file });
    expect(summary).toMatchObject({ rowsRead: 4, stored: 2, rejected: 2 });
    expect(summary.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: expect.stringMatching(/^wrong number of fields/), firstLine: 2, detail: 'got 44' }),
        expect.objectContaining({ reason: 'bad protocol_type', firstLine: 3, detail: '""' }),
      ]),
    );
    expect((await stored('kdd5')).map((r) => r.record.attributes?.src_bytes)).toEqual([Number(a.split(',')[4]), Number(c.split(',')[4])]);
  });

  it('stores each batch as one compact column block, read back in file order', async () => {
    const rows = kddRows(12_000);
    const file = await files.file('blocks.kdd.gz', rows.join('\n'), true);
    const summary = await importDataset(deps(), { profile: ref('kdd4'), format: 'kdd', file, batchSize: 5000 });
    expect(summary).toMatchObject({ rowsRead: 12_000, stored: 12_000, rejected: 0 });
    const profileId = (await server.services.profiles.get(ref('kdd4'))).id;
    const blocks = await server.services.db.pool.query<{ rows: number; bytes: number }>(
      'SELECT "rows", octet_length(data) AS bytes FROM "TrafficBlock" WHERE "profileId" = $1 ORDER BY id',
      [profileId],
    );
    expect(blocks.rows.map((b) => b.rows)).toEqual([5000, 5000, 2000]);
    // 41 features and a label in well under 20 bytes a row (as jsonb: ~860).
    expect(blocks.rows.reduce((n, b) => n + Number(b.bytes), 0)).toBeLessThan(12_000 * 20);
    expect(await server.services.traffic.count({ profileId })).toBe(12_000);
    const back = await stored('kdd4');
    expect(back).toHaveLength(12_000);
    for (const i of [0, 4999, 5000, 11_999]) {
      const fields = rows[i].split(',');
      expect(back[i].label).toBe(fields[41]);
      expect(KDD_FEATURES.map((name) => back[i].record.attributes?.[name])).toEqual(fields.slice(0, 41).map((f, j) => ([1, 2, 3].includes(j) ? f : Number(f))));
    }
  });

  it('reads CRLF files and a CSV header with a quoted name over two lines', async () => {
    const file = await files.file('crlf.csv', 'a,"b\r\nname"\r\n1,x\r\n2,y\r\n');
    const summary = await importDataset(deps(), { profile: ref('csv4'), format: 'csv', file });
    expect(summary).toMatchObject({ rowsRead: 2, stored: 2, rejected: 0 });
    expect((await stored('csv4')).map((r) => r.record.attributes)).toEqual([
      { a: 1, 'b\nname': 'x' },
      { a: 2, 'b\nname': 'y' },
    ]);
  });

  it('refuses options that do not fit the file, and non-tabular profiles, with BAD_USER_INPUT', async () => {
    const file = await files.file('x.csv', 'a,b\n1,2\n');
    await expect(importDataset(deps(), { profile: ref('csv3'), format: 'csv', file, csv: { labelColumn: 'nope' } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await server.services.profiles.upsert('default', { name: 'packets', kind: 'PACKET' });
    await expect(importDataset(deps(), { profile: ref('packets'), format: 'csv', file })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('imported data trains a model with label metrics', async () => {
    const file = await files.file('train.kdd.gz', kddRows(3000, 100).join('\n'), true);
    await importDataset(deps(), { profile: ref('kdd3'), format: 'kdd', file });
    const job = await server.services.training.submit(ref('kdd3'), { detectors: [{ name: 'isolation-forest' }], seed: 1, contamination: 0.1 });
    const done = await server.services.training.waitFor(job.id);
    expect(done.state).toBe('COMPLETED');
    const [model] = await server.services.models.active((await server.services.profiles.get(ref('kdd3'))).id);
    expect(model.metrics).toMatchObject({ rows: 3000, labeledRows: 3000 });
    expect((model.metrics as { rocAuc: number }).rocAuc).toBeGreaterThan(0.9);
  }, 60_000);
});

describe('decimalAt', () => {
  it('reads a cell in place exactly as Number() reads it', () => {
    const cells = ['0', '215', '0.05', '.5', '5.', '1.23456789012345', '123456789012345678', '-3', '1e-3', ' 7 ', '0x1f', '.', '', 'abc', '1.2.3', 'Infinity'];
    let seed = 1;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 16807) % 2147483647;
      cells.push((seed / 1000).toFixed(i % 7), String(seed % 100000));
    }
    for (const cell of cells) {
      const text = `x,${cell},y`;
      const expected = cell === '' ? NaN : Number(cell);
      expect([cell, decimalAt(text, 2, 2 + cell.length)]).toEqual([cell, expected]);
    }
  });
});

describe('splitCsv', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,1","b ""q""",', ['a,1', 'b "q"', '']],
    ['x,"open', undefined],
  ])('%s', (line, fields) => {
    expect(splitCsv(line)).toEqual(fields);
  });
});
