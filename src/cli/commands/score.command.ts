import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { isRecordFileFormat, openRecordFile, RECORD_FILE_FORMATS, type RecordFile } from '../../scoring/record-files';
import { scoreRecords, type HostCount, type ScoreSummary } from '../../scoring/record-scorer';
import { numberOption, parseCommandArgs, PROFILE_OPTIONS, profileRef, required } from './args';
import { describeCaptureInput } from './capture-summary';
import { withServices } from './cli-services';
import { rejectionLines } from './import.command';
import { progressBar } from './progress-bar';

export const SCORE_USAGE = `Usage: netsentinel score --profile P [--site S] --format pcap|zeek|csv|kdd FILE --out scores.jsonl [options]

Scores every record of FILE with the profile's active models, as the API does: anomalies are
stored and published. Writes one JSON line per record (per flow for a flow profile, per packet
for a packet profile), in input order: time, addresses, ports, protocol, score (0..1, 0.5 is
the threshold), isAnomaly, and for anomalies anomalyId and the feature that weighed most.
  --out FILE            where the JSON lines go ("-": standard output, the summary then goes to stderr)
  --label-column NAME   (csv, zeek) ground truth: copied to each line as "label", never a feature
  --drop-columns A,B    (csv) columns that are not features
  --time-column NAME    (csv) record time, ISO-8601 or epoch seconds/milliseconds
  --explain-all         explain normal records too (about 3,000 records/s instead of tens of thousands)
  --batch-size N        records per detection call (default 5000)
Files may be gzip-compressed.`;

const OPTIONS = {
  ...PROFILE_OPTIONS,
  format: { type: 'string' },
  out: { type: 'string' },
  'label-column': { type: 'string' },
  'drop-columns': { type: 'string' },
  'time-column': { type: 'string' },
  'batch-size': { type: 'string' },
  'explain-all': { type: 'boolean' },
} as const;

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, SCORE_USAGE);
  const ref = profileRef(values, SCORE_USAGE);
  const profileName = ref.name;
  const format = required(values.format, '--format', SCORE_USAGE);
  const outPath = required(values.out, '--out', SCORE_USAGE);
  if (!isRecordFileFormat(format)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `--format must be one of ${RECORD_FILE_FORMATS.join(', ')}\n\n${SCORE_USAGE}`);
  }
  if (positionals.length !== 1) throw new AppError(ErrorCode.BAD_USER_INPUT, `name exactly one FILE\n\n${SCORE_USAGE}`);
  const [file] = positionals;
  const batchSize = numberOption(values['batch-size'], '--batch-size');

  const report = await withServices(async (services) => {
    const profile = await services.profiles.get(ref);
    const input = await openRecordFile(profile, {
      format,
      file,
      batchSize,
      csv: {
        labelColumn: values['label-column'],
        timeColumn: values['time-column'],
        dropColumns: values['drop-columns']?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
      },
    });
    const out = new Output(outPath);
    const bar = progressBar(process.stderr, 'score');
    try {
      const summary = await scoreRecords(services.detection, {
        profile: ref,
        batches: input.reader,
        sink: (text) => out.write(text),
        reorderByStart: input.endOrdered,
        startWatermark: input.startWatermark,
        explainAll: values['explain-all'],
        onProgress: (p) => {
          // Once the whole file is read, the last batches are still being scored: the final report says 100%.
          const fraction = input.reader.fraction();
          if (fraction < 1) bar.update(fraction, progressText(p));
        },
      });
      bar.update(1, progressText(summary));
      await out.close();
      return formatScoreSummary(profileName, file, outPath, input, summary);
    } finally {
      bar.done();
      await out.abandon();
    }
  });
  (outPath === '-' ? process.stderr : process.stdout).write(report);
  return 0;
}

/**
 * The output file is opened at the first line (or at the end, for an empty
 * input), so a profile without a model does not truncate last run's scores.
 */
class Output {
  private handle: FileHandle | undefined;

  constructor(private readonly path: string) {}

  async write(text: string): Promise<void> {
    if (this.path === '-') {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
      return;
    }
    this.handle ??= await this.open();
    await this.handle.write(text);
  }

  async close(): Promise<void> {
    if (this.path === '-') return;
    this.handle ??= await this.open();
    await this.handle.close();
    this.handle = undefined;
  }

  /** After a failure: closes what was opened, keeps the lines written so far. */
  async abandon(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async open(): Promise<FileHandle> {
    try {
      return await open(this.path, 'w');
    } catch (err) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `cannot write ${this.path}: ${(err as Error).message}`, { out: this.path });
    }
  }
}

function progressText(p: { records: number; anomalies: number }): string {
  return `${p.records} scored, ${p.anomalies} anomalies`;
}

function formatScoreSummary(profile: string, file: string, out: string, input: RecordFile, s: ScoreSummary): string {
  const what = input.type === 'dataset' ? 'rows' : input.reader.stats.flows || input.reader.stats.zeek ? 'flows' : 'packets';
  const share = s.records > 0 ? ` (${((100 * s.anomalies) / s.records).toFixed(2)}%)` : '';
  const rate = s.seconds > 0 ? Math.round(s.records / s.seconds) : s.records;
  const lines = [
    `profile ${profile}: ${file} → ${out === '-' ? 'standard output' : out}`,
    ...(input.type === 'capture' ? describeCaptureInput(input.reader.stats) : describeRows(input)),
    `  scored     ${s.records} ${what}`,
    `  anomalies  ${s.anomalies}${share}`,
  ];
  if (s.anomalies > 0) {
    lines.push(`  by source       ${hosts(s.sources, s.sourceHosts)}`, `  by destination  ${hosts(s.destinations, s.destinationHosts)}`);
  }
  lines.push(`  time       ${s.seconds.toFixed(1)} s (${rate} ${what}/s)`);
  return `${lines.join('\n')}\n`;
}

function describeRows(input: Extract<RecordFile, { type: 'dataset' }>): string[] {
  const { rowsRead, tally } = input.reader;
  return [
    `  rows read  ${rowsRead}`,
    `  rejected   ${tally.count}`,
    ...rejectionLines(tally.list()),
  ];
}

function hosts(top: HostCount[], distinct: number): string {
  if (top.length === 0) return '-';
  const list = top.map((h) => `${h.host} (${h.anomalies})`).join(', ');
  return distinct > top.length ? `${list}, … ${distinct} hosts in all` : list;
}
