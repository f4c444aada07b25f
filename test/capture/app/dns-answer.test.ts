import { readTxtAnswers, type TxtAnswer } from '../../../src/capture/app/dns-answer';

/** A DNS response to one TXT question with one TXT answer per entry, each of the given character-strings. */
function txtResponse(name: string, answers: string[][], compressed = true): { bytes: Buffer; questionWire: number } {
  const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, answers.length, 0, 0, 0, 0]);
  const labels = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  const question = Buffer.concat([labels, Buffer.from([0, 16, 0, 1])]);
  const records = answers.map((strings) => {
    const data = Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')])));
    const owner = compressed ? Buffer.from([0xc0, 12]) : labels;
    return Buffer.concat([owner, Buffer.from([0, 16, 0, 1, 0, 0, 0, 60, data.length >> 8, data.length & 0xff]), data]);
  });
  return { bytes: Buffer.concat([header, question, ...records]), questionWire: labels.length };
}

function read(r: { bytes: Buffer; questionWire: number }, end = r.bytes.length): TxtAnswer | undefined {
  const out: TxtAnswer = { chars: -1, entropy: -1 };
  return readTxtAnswers(r.bytes, 0, end, r.questionWire, out) ? out : undefined;
}

/** 200 base64 characters of bytes no pattern made. */
const ENCODED = Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 7919 + 13) % 251)).toString('base64');

describe('DNS TXT answers', () => {
  it('measures the text of every TXT answer: encoded data near 6 bits per character, words and numbers far below', () => {
    const encoded = read(txtResponse('l.1.ns.example.pl', [[ENCODED.slice(0, 120), ENCODED.slice(120)]]));
    expect(encoded?.chars).toBe(200);
    expect(encoded?.entropy).toBeGreaterThan(5.5);
    const lookup = read(txtResponse('AS4134.asn.cymru.com', [['4134 | CN | apnic | 2002-08-01 | CHINANET-BACKBONE No.31,Jin-rong Street, CN']]));
    expect(lookup?.entropy).toBeLessThan(5);
    const spf = read(txtResponse('example.com', [['v=spf1 include:_spf.example.com ~all'], ['google-site-verification=abc']], false));
    expect(spf?.chars).toBe(36 + 28);
    expect(spf?.entropy).toBeLessThan(5);
  });

  it('reads an answer cut by the snap length as far as it goes, and nothing from a query or an empty answer', () => {
    const r = txtResponse('c.example.pl', [[ENCODED]]);
    expect(read(r, r.bytes.length - 100)?.chars).toBe(100);
    const query = txtResponse('c.example.pl', []);
    query.bytes[2] = 0x01;
    expect(read(query)).toBeUndefined();
    expect(read(txtResponse('c.example.pl', []))).toEqual({ chars: 0, entropy: 0 });
  });
});
