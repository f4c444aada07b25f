import { gql, restPredict } from './fault-client';

const PREDICT = 'mutation($r: [TrafficRecordInput!]!) { predict(records: $r) { isAnomaly anomalyId } }';
const ATTACK = { srcIp: '203.0.113.66', destIp: '192.168.1.20', srcPort: 31337, destPort: 4444, protocol: 'TCP', packetSize: 65000 };
const NORMAL = { srcIp: '192.168.1.20', destIp: '192.168.1.1', srcPort: 50000, destPort: 53, protocol: 'UDP', packetSize: 80 };

export interface TrafficTally {
  batches: number;
  /** Anomalies the server reported (GraphQL and REST). */
  anomalies: number;
  /** anomalyId of every anomaly answered over GraphQL (REST answers carry no ids). */
  anomalyIds: string[];
  /** Every answer that was not a 200 with predictions, described. */
  failures: string[];
}

export interface PredictTraffic {
  tally: TrafficTally;
  /** Stops sending and waits for the requests under way. */
  stop(): Promise<TrafficTally>;
}

/**
 * Keeps `concurrency` clients sending predict batches, alternating GraphQL and
 * REST (the seed tool's format), half attacks and half normal packets. Every
 * record has its own timestamp, so a stored anomaly stored twice shows up as
 * two rows with the same time.
 */
export function startPredictTraffic(url: string, options: { concurrency?: number; batch?: number; pauseMs?: number } = {}): PredictTraffic {
  const { concurrency = 2, batch = 20, pauseMs = 5 } = options;
  const tally: TrafficTally = { batches: 0, anomalies: 0, anomalyIds: [], failures: [] };
  let running = true;
  let clock = Date.now() - 3_600_000;
  const stamp = () => new Date(clock++).toISOString();

  async function graphqlBatch(): Promise<void> {
    const records = Array.from({ length: batch }, (_, i) => ({ ...(i % 2 === 0 ? ATTACK : NORMAL), timestamp: stamp() }));
    const r = await gql<{ predict: { isAnomaly: boolean; anomalyId: string | null }[] }>(url, PREDICT, { r: records });
    if (r.status !== 200 || r.errors || !r.data) {
      tally.failures.push(`graphql ${r.status}: ${JSON.stringify(r.errors)}`);
      return;
    }
    for (const p of r.data.predict) {
      if (!p.isAnomaly) continue;
      tally.anomalies++;
      if (p.anomalyId) tally.anomalyIds.push(p.anomalyId);
      else tally.failures.push('graphql: an anomaly without anomalyId');
    }
  }

  async function restBatch(): Promise<void> {
    const records = Array.from({ length: batch }, (_, i) => {
      const r = i % 2 === 0 ? ATTACK : NORMAL;
      return { src_ip: r.srcIp, dest_ip: r.destIp, src_port: r.srcPort, dest_port: r.destPort, protocol: r.protocol, packet_size: r.packetSize, timestamp: stamp() };
    });
    const { status, json } = await restPredict(url, records);
    if (status !== 200 || !Array.isArray(json.prediction)) {
      tally.failures.push(`rest ${status}: ${JSON.stringify(json)}`);
      return;
    }
    tally.anomalies += (json.prediction as number[]).filter((p) => p === -1).length;
  }

  async function client(n: number): Promise<void> {
    for (let i = n; running; i++) {
      try {
        await (i % 2 === 0 ? graphqlBatch() : restBatch());
      } catch (err) {
        tally.failures.push(`request failed: ${(err as Error).message}`);
      }
      tally.batches++;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  const clients = Array.from({ length: concurrency }, (_, n) => client(n));
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(clients);
      return tally;
    },
  };
}
