import { createRng, type Rng } from '../util/random';
import { between } from './session';

/**
 * Client source-port habits. Linux/Android pick from 32768–60999,
 * Windows/macOS/iOS from the IANA range 49152–65535, and embedded stacks
 * (router firmware, sensors, printers) from the old BSD range 1024–4999 —
 * which is why low registered source ports are ordinary on a home LAN.
 */
export type PortHabit = 'linux' | 'windows' | 'embedded';

export function clientPort(rng: Rng, habit: PortHabit): number {
  switch (habit) {
    case 'linux':
      return between(rng, 32768, 60999);
    case 'windows':
      return between(rng, 49152, 65535);
    case 'embedded':
      return between(rng, 1024, 4999);
  }
}

export interface LanHost {
  ip: string;
  habit: PortHabit;
  /** Pure ACK size: 52 with TCP timestamps (Linux, Apple), 40 without (Windows). */
  ack: number;
}

const host = (ip: string, habit: PortHabit, ack = 52): LanHost => ({ ip, habit, ack });

export const ROUTER = host('192.168.0.1', 'embedded');
export const NAS = host('192.168.0.2', 'linux');
export const LAPTOP_WINDOWS = host('192.168.0.10', 'windows', 40);
export const LAPTOP_MAC = host('192.168.0.11', 'windows');
export const LAPTOP_LINUX = host('192.168.0.12', 'linux');
export const PHONE_ANDROID = host('192.168.0.20', 'linux');
export const PHONE_IOS = host('192.168.0.21', 'windows');
export const SMART_TV = host('192.168.0.30', 'linux');
export const SENSORS = ['192.168.0.40', '192.168.0.41', '192.168.0.42', '192.168.0.43'].map((ip) => host(ip, 'embedded'));
export const PRINTER = host('192.168.0.50', 'embedded');

export const LAPTOPS = [LAPTOP_WINDOWS, LAPTOP_MAC, LAPTOP_LINUX];
export const PHONES = [PHONE_ANDROID, PHONE_IOS];
/** Hosts people use: they browse, stream and look things up. */
export const PERSONAL = [...LAPTOPS, ...PHONES];
/** Everything that resolves names and keeps its clock. */
export const ALL_CLIENTS = [NAS, ...PERSONAL, SMART_TV, ...SENSORS, PRINTER];

export const MDNS_GROUP = '224.0.0.251';
export const MDNS_GROUP_V6 = 'ff02::fb';
export const SSDP_GROUP = '239.255.255.250';
export const BROADCAST = '255.255.255.255';

export const RESOLVERS = ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'];
export const NTP_SERVERS = ['162.159.200.1', '162.159.200.123', '129.6.15.28', '216.239.35.0'];

/**
 * External peers are drawn from the real owners' prefixes, but from a
 * fixed seed: the "Internet" is the same for every generated sample and
 * only the traffic varies with the caller's seed.
 */
function pool(prefixes: readonly string[], size: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: size }, (_, i) => `${prefixes[i % prefixes.length]}.${between(rng, 1, 254)}.${between(rng, 1, 254)}`);
}

export const WEB_SERVERS = pool(
  ['142.250', '157.240', '151.101', '104.16', '13.107', '17.253', '52.85', '34.120', '185.199', '140.82'],
  60,
  101,
);
export const CDN_SERVERS = pool(['45.57', '23.246', '173.194', '208.111'], 12, 202);
export const IOT_BROKERS = pool(['52.28', '3.120', '18.192'], 3, 303);
