/**
 * The built server with a publisher attached, for the live benchmark: on request
 * it publishes synthetic anomalies on the server's own event bus at a steady rate,
 * exactly as the detection path does after storing them, so the benchmark measures
 * the live path alone (bus, Redis when configured, GraphQL execution, WebSockets).
 */
import type { AnomalyEvent } from '../src/events/events';

interface LoadRequest {
  rate: number;
  seconds: number;
}

async function main(): Promise<void> {
  // The built JavaScript: tsx cannot emit the decorator metadata the schema needs.
  const { loadConfig } = require('../dist/config/config.js') as typeof import('../src/config/config');
  const { startServer } = require('../dist/server.js') as typeof import('../src/server');
  const server = await startServer(loadConfig());
  process.send!({ type: 'ready', url: server.url });
  process.on('message', async (msg: LoadRequest | { type: 'stop' }) => {
    if ('type' in msg) {
      await server.stop();
      process.exit(0);
    }
    const published = await publish(server.services.events.publish.bind(server.services.events), msg);
    process.send!({ type: 'done', published, dropped: server.services.events.stats().dropped });
  });
}

type Publish = (topic: 'ANOMALY_DETECTED', event: AnomalyEvent) => void;

/** Every 10 ms the events due by then, like predict batches arriving back to back. */
async function publish(send: Publish, { rate, seconds }: LoadRequest): Promise<number> {
  const start = performance.now();
  let published = 0;
  const total = rate * seconds;
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; published < due; published++) send('ANOMALY_DETECTED', anomaly(published));
    await new Promise((r) => setTimeout(r, 10));
  }
  return published;
}

function anomaly(i: number): AnomalyEvent {
  const record = { srcIp: `203.0.113.${(i % 50) + 1}`, destIp: '192.168.0.2', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
  return {
    id: String(i + 1),
    profile: 'default',
    time: new Date().toISOString(),
    score: 0.97,
    ...record,
    record: { ...record, timestamp: Date.now() },
    detectors: [{ name: 'isolation-forest', score: 0.71, normalizedScore: 0.97, threshold: 0.62, isAnomaly: true, modelId: 'm', modelVersion: 1 }],
    explanation: [{ feature: 'packet size', value: '65000', typical: '656', weight: 1, message: 'packet size 65000 bytes is above anything seen in training' }],
    modelIds: ['m'],
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
