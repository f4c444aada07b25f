import { createZeekReadStats, readZeekConnLog } from '../../src/capture';
import { bytesSource, collect } from '../helpers/pcap-streams';
import { zeekConnJson, zeekConnTsv, ZEEK_CONN_FIELDS } from '../helpers/zeek-conn-writer';

const rows: Record<string, string>[] = [
  {
    ts: '1655071198.444458', uid: 'C1', 'id.orig_h': '147.32.81.167', 'id.orig_p': '62771', 'id.resp_h': '40.74.108.123', 'id.resp_p': '443',
    proto: 'tcp', service: 'ssl', duration: '1.135424', orig_bytes: '1596', resp_bytes: '4039', conn_state: 'SF', history: 'ShADdaFf',
    orig_pkts: '14', orig_ip_bytes: '1016', resp_pkts: '16', resp_ip_bytes: '1226', label: 'Benign', detailedlabel: 'Microsoft',
  },
  {
    ts: '1655071231.749548', uid: 'C2', 'id.orig_h': '193.201.9.232', 'id.orig_p': '46563', 'id.resp_h': '147.32.81.167', 'id.resp_p': '3933',
    proto: 'tcp', service: '-', duration: '0.000010', orig_bytes: '0', resp_bytes: '0', conn_state: 'S0', history: 'S',
    orig_pkts: '2', orig_ip_bytes: '80', resp_pkts: '0', resp_ip_bytes: '0', label: 'Malicious', detailedlabel: 'External-Attack-to-Device',
  },
  {
    ts: '19.981745', uid: 'C3', 'id.orig_h': 'fe80::1', 'id.orig_p': '135', 'id.resp_h': 'ff02::1', 'id.resp_p': '136',
    proto: 'icmp', service: '-', duration: '-', orig_bytes: '-', resp_bytes: '-', conn_state: 'OTH', history: '-',
    orig_pkts: '1', orig_ip_bytes: '72', resp_pkts: '0', resp_ip_bytes: '0', label: 'Background', detailedlabel: '(empty)',
  },
];

const expected = [
  {
    timestamp: 1655071198444.458, srcIp: '147.32.81.167', srcPort: 62771, destIp: '40.74.108.123', destPort: 443, protocol: 'TCP',
    service: 'ssl', duration: 1.135424, bytesOut: 1596, bytesIn: 4039, packetsOut: 14, packetsIn: 16, connState: 'SF',
    history: 'ShADdaFf', attributes: { orig_ip_bytes: 1016, resp_ip_bytes: 1226 }, label: 'Benign',
  },
  {
    timestamp: 1655071231749.548, srcIp: '193.201.9.232', srcPort: 46563, destIp: '147.32.81.167', destPort: 3933, protocol: 'TCP',
    service: undefined, duration: 0.00001, bytesOut: 0, bytesIn: 0, packetsOut: 2, packetsIn: 0, connState: 'S0', history: 'S',
    attributes: { orig_ip_bytes: 80, resp_ip_bytes: 0 }, label: 'Malicious',
  },
  {
    timestamp: 19981.745, srcIp: 'fe80::1', srcPort: 135, destIp: 'ff02::1', destPort: 136, protocol: 'ICMPV6', service: undefined,
    duration: undefined, bytesOut: undefined, bytesIn: undefined, packetsOut: 1, packetsIn: 0, connState: 'OTH', history: undefined,
    attributes: { orig_ip_bytes: 72, resp_ip_bytes: 0 }, label: 'Background',
  },
];

function closeTo(records: { timestamp?: number }[]): void {
  records.forEach((record, i) => {
    expect(record.timestamp).toBeCloseTo(expected[i].timestamp, 3);
    record.timestamp = expected[i].timestamp;
  });
}

describe('Zeek conn.log reader', () => {
  it('maps TSV rows to flow records, with unset and empty fields and the label', async () => {
    const records = await collect(readZeekConnLog(bytesSource(zeekConnTsv(rows))));
    closeTo(records);
    expect(records).toEqual(expected);
    expect(records.every((r) => !('label' in (r.attributes ?? {})))).toBe(true);
  });

  it('maps JSON lines the same way, dotted or nested keys, numbers or ISO times', async () => {
    const records = await collect(readZeekConnLog(bytesSource(zeekConnJson(rows))));
    closeTo(records);
    expect(records).toEqual(expected);
    const nested = '{"ts":"2022-06-12T22:39:58.444458Z","id":{"orig_h":"10.0.0.1","orig_p":1,"resp_h":"10.0.0.2","resp_p":80},"proto":"tcp","duration":null}\n';
    const [record] = await collect(readZeekConnLog(bytesSource(Buffer.from(nested))));
    expect(record).toMatchObject({ timestamp: Date.parse('2022-06-12T22:39:58.444Z'), srcIp: '10.0.0.1', destPort: 80, protocol: 'TCP', duration: undefined });
  });

  it('reads the same records when fed one byte at a time, multi-byte characters included', async () => {
    const withUnicode = [{ ...rows[0], detailedlabel: 'Überwachung', label: 'Benign – ok' }];
    const whole = await collect(readZeekConnLog(bytesSource(zeekConnTsv(withUnicode))));
    const byByte = await collect(readZeekConnLog(bytesSource(zeekConnTsv(withUnicode), 1)));
    expect(byByte).toEqual(whole);
    expect(byByte[0].label).toBe('Benign – ok');
  });

  it('follows a new header block in a concatenated log and unescapes \\x sequences', async () => {
    const reordered = [...ZEEK_CONN_FIELDS].reverse();
    const log = Buffer.concat([
      zeekConnTsv(rows.slice(0, 1)),
      zeekConnTsv([{ ...rows[1], service: 'ssl\\x2chttp' }], reordered),
    ]);
    const records = await collect(readZeekConnLog(bytesSource(log)));
    expect(records.map((r) => [r.srcPort, r.service, r.label])).toEqual([[62771, 'ssl', 'Benign'], [46563, 'ssl,http', 'Malicious']]);
  });

  it('takes the label from a chosen column', async () => {
    const records = await collect(readZeekConnLog(bytesSource(zeekConnTsv(rows)), { labelColumn: 'detailedlabel' }));
    expect(records.map((r) => r.label)).toEqual(['Microsoft', 'External-Attack-to-Device', undefined]);
  });

  it('reads IoT-23 logs whose last columns are separated by spaces', async () => {
    const header = ZEEK_CONN_FIELDS.filter((f) => f !== 'label' && f !== 'detailedlabel');
    const tsv = zeekConnTsv(rows.slice(1, 2), header).toString()
      .replace('\ttunnel_parents', '\ttunnel_parents   label   detailed-label')
      .replace('\tS\t2\t80\t0\t0\t(empty)\n', '\tS\t2\t80\t0\t0\t(empty)   Malicious   PartOfAHorizontalPortScan\n');
    const [record] = await collect(readZeekConnLog(bytesSource(Buffer.from(tsv))));
    expect(record).toMatchObject({ srcPort: 46563, label: 'Malicious' });
  });

  it('counts and skips malformed lines', async () => {
    const stats = createZeekReadStats();
    const good = zeekConnTsv(rows.slice(0, 1)).toString();
    const dataLine = good.split('\n').find((line) => line.startsWith('1655'))!;
    const log = [
      '1655071198.4\t147.32.81.167\tnot enough fields',
      good.trimEnd(),
      `${'x'.repeat(10)}\t`.repeat(3),
      dataLine.replace('1655071198.444458', 'yesterday'),
      dataLine.replace('147.32.81.167', '-'),
      '{"ts": 1, "id.orig_h": "a"',
      '{"ts": 1, "id.orig_h": "10.0.0.1", "id.resp_h": "10.0.0.2", "proto": "udp"}',
    ].join('\n');
    const records = await collect(readZeekConnLog(bytesSource(Buffer.from(`${log}\n`)), { stats }));
    expect(records.map((r) => r.protocol)).toEqual(['TCP', 'UDP']);
    expect(stats).toEqual({
      lines: 7, records: 2,
      malformed: { no_fields_header: 1, field_count: 1, bad_timestamp: 1, bad_address: 1, bad_json: 1 },
    });
  });

  it('drops an overlong line without buffering it', async () => {
    const stats = createZeekReadStats();
    const huge = Buffer.concat([Buffer.alloc(2 * 1024 * 1024, 0x61), Buffer.from('\n'), zeekConnJson(rows.slice(0, 1))]);
    const records = await collect(readZeekConnLog(bytesSource(huge, 64 * 1024), { stats }));
    expect(records).toHaveLength(1);
    expect(stats.malformed).toEqual({ line_too_long: 1 });
  });
});
