import {
  ADDRESS_EXTERNAL,
  ADDRESS_INTERNAL,
  ADDRESS_INVALID,
  ADDRESS_IPV6,
  ADDRESS_MULTICAST,
  classifyAddress,
  parseIPv4,
} from '../../src/features/address.features';
import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import { FeatureEncoder } from '../../src/features/feature.encoder';

describe('address classification', () => {
  it.each([
    ['10.1.2.3', ADDRESS_INTERNAL],
    ['172.16.0.1', ADDRESS_INTERNAL],
    ['172.31.255.255', ADDRESS_INTERNAL],
    ['192.168.0.2', ADDRESS_INTERNAL],
    ['127.0.0.1', ADDRESS_INTERNAL],
    ['169.254.10.1', ADDRESS_INTERNAL],
    ['100.64.0.1', ADDRESS_INTERNAL],
    ['100.127.255.254', ADDRESS_INTERNAL],
    ['0.0.0.0', ADDRESS_INTERNAL],
    ['172.15.0.1', ADDRESS_EXTERNAL],
    ['172.32.0.1', ADDRESS_EXTERNAL],
    ['100.63.255.255', ADDRESS_EXTERNAL],
    ['100.128.0.1', ADDRESS_EXTERNAL],
    ['192.169.0.1', ADDRESS_EXTERNAL],
    ['8.8.8.8', ADDRESS_EXTERNAL],
    ['203.0.113.66', ADDRESS_EXTERNAL],
    ['224.0.0.251', ADDRESS_MULTICAST],
    ['239.255.255.250', ADDRESS_MULTICAST],
    ['255.255.255.255', ADDRESS_MULTICAST],
  ])('IPv4 %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it.each([
    ['::1', ADDRESS_INTERNAL],
    ['fe80::1c2d:3e4f', ADDRESS_INTERNAL],
    ['FE80::1', ADDRESS_INTERNAL],
    ['fd12:3456:789a::1', ADDRESS_INTERNAL],
    ['fc00::1', ADDRESS_INTERNAL],
    ['ff02::fb', ADDRESS_MULTICAST],
    ['2001:4860:4860::8888', ADDRESS_EXTERNAL],
    ['2a00:1450:4001:80b::200e', ADDRESS_EXTERNAL],
    ['::ffff:192.168.1.1', ADDRESS_INTERNAL],
    ['::ffff:8.8.8.8', ADDRESS_EXTERNAL],
  ])('IPv6 %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected | ADDRESS_IPV6);
  });

  it.each(['', 'not-an-ip', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4 ', 'fe80::zz', ':::'])(
    'rejects %j',
    (ip) => {
      expect(classifyAddress(ip)).toBe(ADDRESS_INVALID);
    },
  );

  it('parses dotted quads to their 32-bit value', () => {
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304);
  });
});

describe('address features', () => {
  const spec = fitFeatureSpec('packet', [
    { srcIp: '192.168.0.10', destIp: '8.8.8.8', packetSize: 60 },
    { srcIp: '8.8.8.8', destIp: '192.168.0.10', packetSize: 90 },
    { srcIp: 'fe80::1', destIp: 'ff02::fb', packetSize: 100 },
  ]);
  const encoder = new FeatureEncoder(spec);
  const lit = (srcIp: string | undefined, destIp: string | undefined) => {
    const row = encoder.transformRecord({ srcIp, destIp });
    return encoder.names.filter((n, i) => /^(src|dest)Ip/.test(n) && row[i] !== 0);
  };

  it('flags each side as internal, external or multicast, plus IPv6', () => {
    expect(lit('192.168.0.2', '203.0.113.66')).toEqual(['srcIp:internal', 'destIp:external']);
    expect(lit('2001:db8::1', '239.255.255.250')).toEqual(['srcIp:external', 'srcIp:ipv6', 'destIp:multicast']);
  });

  it('lights nothing for an address that does not parse when training had none missing', () => {
    expect(lit('bogus', undefined)).toEqual([]);
  });
});
