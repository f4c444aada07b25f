import { fitFeatureSpec } from '../../src/features/feature-spec.builder';
import type { PortFeatureSpec } from '../../src/features/feature-spec.types';
import { FeatureEncoder } from '../../src/features/feature.encoder';
import { portClass } from '../../src/features/port.features';
import type { TrafficRecord } from '../../src/records/traffic-record';

function lit(encoder: FeatureEncoder, record: TrafficRecord, prefix: string): string[] {
  const row = encoder.transformRecord(record);
  return encoder.names.filter((n, i) => n.startsWith(prefix) && row[i] !== 0);
}

/** Clients on random ephemeral ports talking to a few services; five long downloads, each on its own client port. */
function training(): TrafficRecord[] {
  const records: TrafficRecord[] = [];
  const services = [443, 443, 443, 53, 80, 8883];
  for (let i = 0; i < 3000; i++) {
    const client = 49152 + ((i * 7919) % 16000);
    records.push({ srcIp: '192.168.0.10', destIp: '1.2.3.4', srcPort: client, destPort: services[i % services.length], protocol: 'TCP', packetSize: 60 });
  }
  for (let i = 0; i < 500; i++) {
    records.push({ srcIp: '5.6.7.8', destIp: '192.168.0.10', srcPort: 443, destPort: 40000 + (i % 5), protocol: 'TCP', packetSize: 1500 });
  }
  records.push({ srcIp: '192.168.0.10', destIp: '8.8.8.8', protocol: 'ICMP', packetSize: 84 });
  return records;
}

describe('port features', () => {
  const spec = fitFeatureSpec('packet', training());
  const encoder = new FeatureEncoder(spec);
  const dest = spec.features.find((f) => f.key === 'destPort') as PortFeatureSpec;

  it('classifies ports as well-known, registered and ephemeral', () => {
    expect([0, 22, 1023, 1024, 8883, 49151, 49152, 65535].map(portClass)).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
  });

  it('keeps frequent service ports exactly, most frequent first', () => {
    expect(dest.ports.slice(0, 4)).toEqual([443, 53, 80, 8883]);
  });

  it('does not give the client port of a long download its own column', () => {
    expect(dest.ports).not.toContain(40000);
    expect(encoder.names).not.toContain('destPort=40000');
  });

  it('lights the class and the exact column for a frequent port', () => {
    expect(lit(encoder, { destPort: 443 }, 'destPort')).toEqual(['destPort:well-known', 'destPort=443']);
    expect(lit(encoder, { destPort: 8883 }, 'destPort')).toEqual(['destPort:registered', 'destPort=8883']);
  });

  it('lights only the class for any other port', () => {
    expect(lit(encoder, { destPort: 22 }, 'destPort')).toEqual(['destPort:well-known']);
    expect(lit(encoder, { destPort: 4444 }, 'destPort')).toEqual(['destPort:registered']);
    expect(lit(encoder, { destPort: 40000 }, 'destPort')).toEqual(['destPort:registered']);
    expect(lit(encoder, { destPort: 60001 }, 'destPort')).toEqual(['destPort:ephemeral']);
  });

  it('treats absent and invalid ports as missing', () => {
    expect(dest.missing).toBe(1);
    for (const destPort of [undefined, -1, 70000, 80.5]) {
      expect(lit(encoder, { destPort }, 'destPort')).toEqual(['destPort:missing']);
    }
  });

  it('records which ports training saw at all', () => {
    expect(dest.classCounts.reduce((a, b) => a + b, 0)).toBe(dest.count);
    expect(Buffer.from(dest.seen, 'base64')).toHaveLength(8192);
  });

  it('marks which side of a port pair is the service', () => {
    expect(lit(encoder, { srcPort: 50000, destPort: 443 }, 'serviceSide')).toEqual(['serviceSide=destination']);
    expect(lit(encoder, { srcPort: 443, destPort: 50000 }, 'serviceSide')).toEqual(['serviceSide=source']);
    expect(lit(encoder, { srcPort: 31337, destPort: 4444 }, 'serviceSide')).toEqual(['serviceSide=neither']);
    expect(lit(encoder, { protocol: 'ICMP' }, 'serviceSide')).toEqual(['serviceSide:missing']);
  });
});
