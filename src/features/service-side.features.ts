import type { TrafficRecord } from '../records/traffic-record';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { SERVICE_SIDES, type FeatureSpec, type PortFeatureSpec, type ServiceSideFeatureSpec } from './feature-spec.types';
import { hashString } from './hash';
import { PORT_COUNT, readPort } from './port.features';
import { Reservoir } from './reservoir';

/** Frequent-port membership of both port features, as flat lookup tables. */
export interface ServicePorts {
  src: Uint8Array;
  dest: Uint8Array;
}

export function servicePorts(src: PortFeatureSpec, dest: PortFeatureSpec): ServicePorts {
  const table = (def: PortFeatureSpec) => {
    const t = new Uint8Array(PORT_COUNT);
    for (const p of def.ports) t[p] = 1;
    return t;
  };
  return { src: table(src), dest: table(dest) };
}

/** The service-port tables of a spec; parseFeatureSpec guarantees both port features exist when serviceSide does. */
export function specServicePorts(spec: FeatureSpec): ServicePorts {
  const port = (key: string) => spec.features.find((f): f is PortFeatureSpec => f.type === 'port' && f.key === key);
  const src = port('srcPort');
  const dest = port('destPort');
  if (src === undefined || dest === undefined) {
    throw new AppError(ErrorCode.INVALID_FEATURE_SPEC, 'serviceSide needs both port features in the spec');
  }
  return servicePorts(src, dest);
}

/** 0 destination, 1 source, 2 both, 3 neither: the SERVICE_SIDES index. */
export function serviceSide(ports: ServicePorts, srcPort: number, destPort: number): number {
  const s = ports.src[srcPort];
  const d = ports.dest[destPort];
  return s ? (d ? 2 : 1) : d ? 0 : 3;
}

/**
 * Which ports are frequent is only known after the last chunk, so the side
 * shares for explanations come from a seeded sample of port pairs
 * (packed src << 16 | dest), classified at build time.
 */
export class ServiceSideAccumulator {
  private readonly pairs: Reservoir;
  count = 0;

  constructor(reservoirSize: number, seed: number) {
    this.pairs = new Reservoir(reservoirSize, (seed ^ hashString('serviceSide')) >>> 0);
  }

  add(r: TrafficRecord): void {
    const s = readPort(r, 'srcPort');
    const d = readPort(r, 'destPort');
    if (s !== s || d !== d) return;
    this.count++;
    this.pairs.add(s * PORT_COUNT + d);
  }

  build(totalRows: number, src: PortFeatureSpec | null, dest: PortFeatureSpec | null): ServiceSideFeatureSpec | null {
    if (this.count === 0 || src === null || dest === null) return null;
    const ports = servicePorts(src, dest);
    const sample = this.pairs.sorted();
    const tally = [0, 0, 0, 0];
    for (const pair of sample) tally[serviceSide(ports, Math.floor(pair / PORT_COUNT), pair % PORT_COUNT)]++;
    const scale = this.count / sample.length;
    return {
      type: 'serviceSide',
      key: 'serviceSide',
      source: { from: 'derived', name: 'serviceSide' },
      count: this.count,
      missing: totalRows - this.count,
      sideCounts: [0, 1, 2, 3].map((i) => Math.round(tally[i] * scale)) as ServiceSideFeatureSpec['sideCounts'],
    };
  }
}


export function serviceSideColumnNames(def: ServiceSideFeatureSpec): string[] {
  const names = SERVICE_SIDES.map((side) => `serviceSide=${side}`);
  if (def.missing > 0) names.push('serviceSide:missing');
  return names;
}

export class ServiceSideWriter {
  private readonly missingAt: number;

  constructor(
    def: ServiceSideFeatureSpec,
    private readonly ports: ServicePorts,
    private readonly at: number,
  ) {
    this.missingAt = def.missing > 0 ? at + 4 : -1;
  }

  write(r: TrafficRecord, out: Float64Array, base: number): void {
    const s = r.srcPort;
    const d = r.destPort;
    if (!isPort(s) || !isPort(d)) {
      if (this.missingAt >= 0) out[base + this.missingAt] = 1;
      return;
    }
    out[base + this.at + serviceSide(this.ports, s, d)] = 1;
  }
}

function isPort(p: unknown): p is number {
  return typeof p === 'number' && (p | 0) === p && p >= 0 && p < PORT_COUNT;
}
