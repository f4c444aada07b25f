/**
 * The built server for the live benchmark, in a process of its own (the benchmark's
 * subscribers and load generator share another). It notes when every anomaly event
 * is published, on the wall clock both processes share, and hands the stamps over on
 * request. Asked to, it also publishes synthetic anomalies on its own event bus at a
 * steady rate, exactly as the detection path does after storing them, so one case
 * measures the live path alone (bus, Redis when configured, GraphQL, WebSockets).
 */
import type { AnomalyEvent } from '../src/events/events';

export type Request = { type: 'publish'; rate: number; seconds: number } | { type: 'stamps' } | { type: 'stop' };
export type Reply =
  | { type: 'ready'; url: string }
  | { type: 'published'; count: number }
  | { type: 'stamps'; ids: string[]; times: number[]; cpuMs: number; dropped: number };

/** Milliseconds on the wall clock, with the sub-millisecond precision of performance.now(). */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/** CPU time this process has used so far (all threads, user and system). */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function main(): Promise<void> {
  // The built JavaScript: tsx cannot emit the decorator metadata the schema needs.
  const { loadConfig } = require('../dist/config/config.js') as typeof import('../src/config/config');
  const { startServer } = require('../dist/server.js') as typeof import('../src/server');
  const server = await startServer(loadConfig());
  const bus = server.services.events;
  const stamps = new Map<string, number>();
  const publish = bus.publish.bind(bus) as (...args: unknown[]) => void;
  // The detection path holds this same bus: its anomalies are stamped too.
  bus.publish = ((...args: unknown[]) => {
    if (args[0] === 'ANOMALY_DETECTED') stamps.set((args[1] as AnomalyEvent).id, wallClock());
    publish(...args);
  }) as typeof bus.publish;

  const reply = (msg: Reply) => process.send!(msg);
  reply({ type: 'ready', url: server.url });
  process.on('message', async (msg: Request) => {
    if (msg.type === 'stop') {
      await server.stop();
      process.exit(0);
    } else if (msg.type === 'stamps') {
      reply({ type: 'stamps', ids: [...stamps.keys()], times: [...stamps.values()], cpuMs: cpuMs(), dropped: bus.stats().dropped });
      stamps.clear();
    } else {
      const count = await publishAtRate(bus.publish.bind(bus), msg.rate, msg.seconds);
      reply({ type: 'published', count });
    }
  });
}

type Publish = (topic: 'ANOMALY_DETECTED', event: AnomalyEvent) => void;

/** How often the publisher publishes the events due: 10 ms is like batches of 10 arriving back to back, 1 ms like a steady stream. */
const TICK_MS = Number(process.env.BENCH_TICK_MS ?? 10);

/** Every TICK_MS the events due by then. */
async function publishAtRate(send: Publish, rate: number, seconds: number): Promise<number> {
  const start = performance.now();
  let published = 0;
  const total = rate * seconds;
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; published < due; published++) send('ANOMALY_DETECTED', anomaly(published));
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  return published;
}

/** Shaped like a stored anomaly of the default profile, explanation included. */
function anomaly(i: number): AnomalyEvent {
  const record = { srcIp: `203.0.113.${(i % 50) + 1}`, destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
  return {
    id: `bench-${i + 1}`,
    site: 'default',
    profile: 'default',
    time: new Date().toISOString(),
    score: 0.97,
    ...record,
    record: { ...record, timestamp: Date.now() },
    detectors: [{ name: 'isolation-forest', score: 0.71, normalizedScore: 0.97, threshold: 0.62, isAnomaly: true, modelId: 'm', modelVersion: 1 }],
    explanation: [
      { feature: 'packetSize', value: '65000', typical: '656', weight: 1, message: 'packet size 65000 bytes is above anything seen in training' },
      { feature: 'destPort', value: '4444', typical: '443', weight: 0.4, message: 'destination port 4444 was rare in training' },
    ],
    modelIds: ['m'],
  };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
