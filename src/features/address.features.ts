import { isIPv6 } from 'node:net';
import type { TrafficRecord } from '../records/traffic-record';
import type { AddressFeatureSpec, AddressField } from './feature-spec.types';

export const ADDRESS_INTERNAL = 0;
export const ADDRESS_EXTERNAL = 1;
export const ADDRESS_MULTICAST = 2;
/** Or-ed into a class code for IPv6 addresses. */
export const ADDRESS_IPV6 = 4;
export const ADDRESS_INVALID = -1;

/** Dotted quad → unsigned 32-bit value, -1 when malformed. Hand-rolled: this runs once per address per row. */
export function parseIPv4(s: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return digits > 0 && dots === 3 ? value * 256 + octet : -1;
}

/**
 * "Internal" means it cannot be a routed Internet peer of a home network:
 * RFC 1918, loopback, link-local, CGNAT (100.64/10, the ISP side of many
 * home routers) and 0/8 (DHCP clients before they have an address).
 */
export function classifyIPv4(v: number): number {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) & 255;
  if (a === 10 || a === 127 || a === 0) return ADDRESS_INTERNAL;
  if (a === 172 && b >= 16 && b <= 31) return ADDRESS_INTERNAL;
  if (a === 192 && b === 168) return ADDRESS_INTERNAL;
  if (a === 169 && b === 254) return ADDRESS_INTERNAL;
  if (a === 100 && b >= 64 && b <= 127) return ADDRESS_INTERNAL;
  if ((a >= 224 && a <= 239) || v === 0xffffffff) return ADDRESS_MULTICAST;
  return ADDRESS_EXTERNAL;
}

const V4_MAPPED = '::ffff:';

function classifyIPv6(s: string): number {
  if (!isIPv6(s)) return ADDRESS_INVALID;
  const lower = s.toLowerCase();
  if (lower.startsWith(V4_MAPPED)) {
    const v4 = parseIPv4(lower.slice(V4_MAPPED.length));
    if (v4 >= 0) return classifyIPv4(v4) | ADDRESS_IPV6;
  }
  const colon = lower.indexOf(':');
  const first = colon === 0 ? 0 : parseInt(lower.slice(0, colon), 16);
  // ::1 loopback and :: unspecified; fc00::/7 ULA; fe80::/10 link-local.
  if (first === 0 || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80) return ADDRESS_INTERNAL | ADDRESS_IPV6;
  if ((first & 0xff00) === 0xff00) return ADDRESS_MULTICAST | ADDRESS_IPV6;
  return ADDRESS_EXTERNAL | ADDRESS_IPV6;
}

const V6_CACHE_LIMIT = 4096;
const v6Cache = new Map<string, number>();

/** Class code (internal/external/multicast, | ADDRESS_IPV6), or ADDRESS_INVALID. */
export function classifyAddress(ip: string): number {
  const v4 = parseIPv4(ip);
  if (v4 >= 0) return classifyIPv4(v4);
  let code = v6Cache.get(ip);
  if (code === undefined) {
    code = ip.includes(':') ? classifyIPv6(ip) : ADDRESS_INVALID;
    if (v6Cache.size >= V6_CACHE_LIMIT) v6Cache.clear();
    v6Cache.set(ip, code);
  }
  return code;
}

export function readAddressClass(r: TrafficRecord, field: AddressField): number {
  const ip = r[field];
  return typeof ip === 'string' ? classifyAddress(ip) : ADDRESS_INVALID;
}

export class AddressAccumulator {
  private readonly classCounts: [number, number, number] = [0, 0, 0];
  private ipv6 = 0;
  count = 0;

  constructor(readonly field: AddressField) {}

  add(r: TrafficRecord): void {
    const code = readAddressClass(r, this.field);
    if (code < 0) return;
    this.count++;
    this.classCounts[code & 3]++;
    if (code & ADDRESS_IPV6) this.ipv6++;
  }

  build(totalRows: number): AddressFeatureSpec | null {
    if (this.count === 0) return null;
    return {
      type: 'address',
      key: this.field,
      source: { from: 'field', name: this.field },
      count: this.count,
      missing: totalRows - this.count,
      classCounts: [...this.classCounts],
      ipv6: this.ipv6,
    };
  }
}


export function addressColumnNames(def: AddressFeatureSpec): string[] {
  const names = ['internal', 'external', 'multicast', 'ipv6'].map((c) => `${def.key}:${c}`);
  if (def.missing > 0) names.push(`${def.key}:missing`);
  return names;
}

export class AddressWriter {
  private readonly field: AddressField;
  private readonly missingAt: number;

  constructor(
    def: AddressFeatureSpec,
    private readonly at: number,
  ) {
    this.field = def.key;
    this.missingAt = def.missing > 0 ? at + 4 : -1;
  }

  write(r: TrafficRecord, out: Float64Array, base: number): void {
    const ip = r[this.field];
    const code = typeof ip === 'string' ? classifyAddress(ip) : ADDRESS_INVALID;
    if (code < 0) {
      if (this.missingAt >= 0) out[base + this.missingAt] = 1;
      return;
    }
    out[base + this.at + (code & 3)] = 1;
    if (code & ADDRESS_IPV6) out[base + this.at + 3] = 1;
  }
}
