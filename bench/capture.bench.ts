/**
 * Capture pipeline throughput and memory: writes a realistic 100k- and a
 * 1M-packet pcap to a temp dir, then runs file → packets → (flows) →
 * windowed features, reporting packets/s on one core and peak RSS. The two
 * sizes show that memory does not grow with the file.
 *
 * `npx tsx bench/capture.bench.ts` or `npm run bench capture`.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capturePipeline, CapturePipelineOptions } from '../src/capture';
import { PcapFileWriter } from '../test/helpers/pcap-writer';
import { generateTraffic } from '../test/helpers/pcap-traffic';

const SIZES = [100_000, 1_000_000];

const SCENARIOS: { name: string; options: CapturePipelineOptions }[] = [
  { name: 'packets', options: { kind: 'packet', windowed: false } },
  { name: 'packets + windowed', options: { kind: 'packet', windowed: true } },
  { name: 'flows + windowed', options: { kind: 'flow', windowed: true } },
];

export async function benchCapture(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netsentinel-capture-bench-'));
  try {
    const rows: Record<string, unknown>[] = [];
    for (const packets of SIZES) {
      const file = path.join(dir, `mix-${packets}.pcap`);
      const writeSeconds = writeMix(file, packets);
      for (const scenario of SCENARIOS) rows.push({ ...(await runScenario(file, scenario.options)), scenario: scenario.name, writeSeconds });
    }
    return rows.map(({ scenario, ...rest }) => ({ scenario, ...rest }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeMix(file: string, packets: number): number {
  const started = process.hrtime.bigint();
  const writer = new PcapFileWriter(file);
  for (const packet of generateTraffic({ packets, seed: 42 })) writer.write(packet.timestampMs, packet.frame);
  writer.close();
  return round(Number(process.hrtime.bigint() - started) / 1e9, 2);
}

async function runScenario(file: string, options: CapturePipelineOptions): Promise<Record<string, unknown>> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  let records = 0;
  const started = process.hrtime.bigint();
  const pipeline = capturePipeline(createReadStream(file, { highWaterMark: 1 << 20 }), options);
  for await (const batch of pipeline) {
    records += batch.length;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const packets = pipeline.stats.capture.packets;
  return {
    packets,
    fileMB: round(statSync(file).size / 2 ** 20, 1),
    records,
    seconds: round(seconds, 2),
    packetsPerSecond: Math.round(packets / seconds),
    rssBeforeMB: round(rssBefore / 2 ** 20, 0),
    peakRssMB: round(peakRss / 2 ** 20, 0),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

if (require.main === module) {
  benchCapture()
    .then((rows) => console.table(rows))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
