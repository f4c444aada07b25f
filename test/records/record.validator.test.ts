import { AppError } from '../../src/errors/app-error';
import { assertBatchSize, validateRecords } from '../../src/records/record.validator';
import { canonicalProtocol } from '../../src/records/protocol';

function problemOf(fn: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('expected an error');
}

describe('validateRecords', () => {
  const good = { srcIp: '192.168.0.1', destIp: '2001:db8::1', srcPort: 1234, destPort: 80, protocol: 'tcp', packetSize: 100 };

  it('normalises a good record', () => {
    const [r] = validateRecords([{ ...good, timestamp: '2026-01-02T03:04:05Z', srcMac: 'AA-BB-CC-DD-EE-FF' }]);
    expect(r).toMatchObject({ srcIp: '192.168.0.1', destIp: '2001:db8::1', protocol: 'TCP', srcMac: 'aa:bb:cc:dd:ee:ff' });
    expect(r.timestamp).toBe(Date.parse('2026-01-02T03:04:05Z'));
  });

  it('fills a missing timestamp with now and leaves missing optional fields out', () => {
    const [r] = validateRecords([{ srcIp: '10.0.0.1' }], 1234);
    expect(r).toEqual({ srcIp: '10.0.0.1', timestamp: 1234 });
  });

  it.each([
    ['srcIp', { srcIp: '300.1.1.1' }],
    ['destIp', { destIp: 'example.com' }],
    ['srcPort', { srcPort: 70000 }],
    ['destPort', { destPort: -1 }],
    ['destPort', { destPort: 1.5 }],
    ['protocol', { protocol: 'BOGUS' }],
    ['protocol', { protocol: 300 }],
    ['packetSize', { packetSize: -5 }],
    ['duration', { duration: Number.POSITIVE_INFINITY }],
    ['bytesIn', { bytesIn: Number.NaN }],
    ['timestamp', { timestamp: 'yesterday-ish' }],
    ['srcMac', { srcMac: 'zz:zz' }],
    ['attributes.x', { attributes: { x: { nested: true } } }],
  ])('rejects a bad %s naming the record index and field', (field, bad) => {
    const p = problemOf(() => validateRecords([good, { ...good, ...bad }]));
    expect(p.code).toBe('BAD_USER_INPUT');
    expect(p.details).toMatchObject({ index: 1, field });
  });

  it('lists several problems at once', () => {
    const p = problemOf(() => validateRecords([{ srcIp: 'x' }, { destPort: 99999 }]));
    expect(p.details.problems).toHaveLength(2);
  });

  it('refuses oversized batches with a code of their own', () => {
    expect(problemOf(() => assertBatchSize(10_001, 10_000)).code).toBe('BATCH_TOO_LARGE');
    expect(() => assertBatchSize(10_000, 10_000)).not.toThrow();
  });
});

describe('canonicalProtocol', () => {
  it.each([
    ['TCP', 'TCP'],
    ['udp', 'UDP'],
    [6, 'TCP'],
    ['17', 'UDP'],
    [58, 'ICMPV6'],
    [253, 'IP-253'],
    ['ipv6-icmp', 'ICMPV6'],
    ['ARP', 'ARP'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalProtocol(input)).toBe(expected);
  });

  it.each(['FOO', '256', -1, 3.5, ''])('rejects %s', (input) => {
    expect(canonicalProtocol(input)).toBeUndefined();
  });
});
