/**
 * Capture pipeline throughput and memory: writes a realistic 100k- and a
 * 1M-packet pcap to a temp dir, then runs file → packets → (flows) →
 * windowed features, reporting packets/s on one core and peak RSS. Each run
 * gets its own Node process, so its peak RSS is its own and not the high-water
 * mark of the runs before it; equal peaks for both sizes show that memory
 * does not grow with the file.
 *
 * `npx tsx bench/capture.bench.ts` or `npm run bench capture`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capturePipeline, CapturePipelineOptions } from '../src/capture';
import { generateTraffic } from '../test/helpers/pcap-traffic';
import { PcapFileWriter } from '../test/helpers/pcap-writer';

const SIZES = [100_000, 1_000_000];

const SCENARIOS: { name: string; options: CapturePipelineOptions }[] = [
  { name: 'packets', options: { kind: 'packet', windowed: false } },
  { name: 'packets + windowed', options: { kind: 'packet', windowed: true } },
  { name: 'flows + windowed', options: { kind: 'flow', windowed: true } },
];

const RUN_FLAG = '--run-capture-scenario';

export async function benchCapture(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netsentinel-capture-bench-'));
  try {
    const rows: Record<string, unknown>[] = [];
    for (const packets of SIZES) {
      const file = path.join(dir, `mix-${packets}.pcap`);
      const writeSeconds = writeMix(file, packets);
      const fileMB = round(statSync(file).size / 2 ** 20, 1);
      for (const { name, options } of SCENARIOS) rows.push({ scenario: name, fileMB, writeSeconds, ...runInChild(file, options) });
    }
    return rows;
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

/** Runs one scenario in a fresh Node process with the same loader (tsx) as this one. */
function runInChild(file: string, options: CapturePipelineOptions): Record<string, unknown> {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, RUN_FLAG, file, JSON.stringify(options)], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`capture bench run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

async function runScenario(file: string, options: CapturePipelineOptions): Promise<Record<string, unknown>> {
  let records = 0;
  const started = process.hrtime.bigint();
  const pipeline = capturePipeline(createReadStream(file, { highWaterMark: 1 << 20 }), options);
  for await (const batch of pipeline) records += batch.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const packets = pipeline.stats.capture.packets;
  return {
    packets,
    records,
    seconds: round(seconds, 2),
    packetsPerSecond: Math.round(packets / seconds),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024, 0),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function main(): Promise<void> {
  const [flag, file, options] = process.argv.slice(2);
  if (flag === RUN_FLAG) console.log(JSON.stringify(await runScenario(file, JSON.parse(options) as CapturePipelineOptions)));
  else console.table(await benchCapture());
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
