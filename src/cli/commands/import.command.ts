import path from 'node:path';
import type { Services } from '../../app/services';
import { CAPTURE_FILE_FORMATS, type CaptureFileFormat } from '../../capture/capture-file';
import { importCaptureFile, type CaptureImportSummary } from '../../capture/capture-import';
import type { CaptureKind } from '../../capture/capture-profile';
import type { ProfileRef } from '../../profiles/profile.service';
import { AppError, isAppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { IMPORT_FORMATS, importDataset, type ImportFormat, type ImportSummary } from '../../import/dataset.importer';
import type { RejectionReason } from '../../import/rejection-tally';
import { numberOption, parseCommandArgs, PROFILE_OPTIONS, profileRef, required } from './args';
import { describeCaptureInput } from './capture-summary';
import { withServices } from './cli-services';
import { progressBar, type ProgressBar } from './progress-bar';

export const IMPORT_USAGE = `Usage: netsentinel import --profile P [--site S] --format csv|kdd|pcap|zeek FILE... [options]

Stores the records of each FILE as the profile's traffic, for training (the profile is created if missing).
  --format csv          a header row; numeric and string columns become attributes (tabular profile)
  --format kdd          KDD Cup '99 / NSL-KDD: no header, 41 features, label last (tabular profile)
  --format pcap         pcap or pcapng capture: flows or packets, with windowed features (flow or packet profile)
  --format zeek         Zeek conn.log, TSV or JSON: flows with windowed features (flow profile)
  --kind flow|packet    (pcap) record kind of a profile this import creates (default flow)
  --label-column NAME   (csv, zeek) ground truth: kept out of the features, saved for metrics
  --drop-columns A,B    (csv) identifiers and other columns that are not features
  --time-column NAME    (csv) record time, ISO-8601 or epoch seconds/milliseconds
  --batch-size N        records per stored block (default 5000)
Files may be gzip-compressed. Malformed rows and packets are reported and skipped.`;

const OPTIONS = {
  ...PROFILE_OPTIONS,
  format: { type: 'string' },
  kind: { type: 'string' },
  'label-column': { type: 'string' },
  'drop-columns': { type: 'string' },
  'time-column': { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

interface FileImport {
  profile: ProfileRef;
  format: string;
  file: string;
  values: Values;
  /** Record kind of a profile a capture import creates. */
  kind: CaptureKind;
  batchSize: number | undefined;
  bar: ProgressBar;
}

/** One importer per format; each stores one file and says what it did. */
type FormatImporter = (services: Services, job: FileImport) => Promise<{ stored: number; summary: string }>;

const importTabular: FormatImporter = async (services, job) => {
  const summary = await importDataset(
    { profiles: services.profiles, traffic: services.traffic },
    {
      profile: job.profile,
      format: job.format as ImportFormat,
      file: job.file,
      batchSize: job.batchSize,
      csv: {
        labelColumn: job.values['label-column'],
        timeColumn: job.values['time-column'],
        dropColumns: job.values['drop-columns']?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
      },
      onProgress: (p) => job.bar.update(p.fraction, `${p.stored} stored, ${p.rejected} rejected`),
    },
  );
  return { stored: summary.stored, summary: formatSummary(summary) };
};

const importCapture: FormatImporter = async (services, job) => {
  const summary = await importCaptureFile(
    { profiles: services.profiles, traffic: services.traffic },
    {
      profile: job.profile,
      format: job.format as CaptureFileFormat,
      file: job.file,
      kindIfNew: job.kind,
      labelColumn: job.values['label-column'],
      batchSize: job.batchSize,
      onProgress: (p) => job.bar.update(p.fraction, `${p.stored} stored`),
    },
  );
  return { stored: summary.stored, summary: formatCaptureSummary(summary) };
};

const IMPORTERS = new Map<string, FormatImporter>([
  ...IMPORT_FORMATS.map((f) => [f, importTabular] as const),
  ...CAPTURE_FILE_FORMATS.map((f) => [f, importCapture] as const),
]);

/** Exit code 0 when every file had records to store, 1 when one had none. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, IMPORT_USAGE);
  const profile = profileRef(values, IMPORT_USAGE);
  const format = required(values.format, '--format', IMPORT_USAGE);
  const importer = IMPORTERS.get(format);
  if (!importer) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `--format must be one of ${[...IMPORTERS.keys()].join(', ')}\n\n${IMPORT_USAGE}`);
  }
  if (positionals.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, `name at least one FILE\n\n${IMPORT_USAGE}`);
  const kind = captureKindOption(values.kind);
  const batchSize = numberOption(values['batch-size'], '--batch-size');
  let emptyFiles = 0;
  await withServices(async (services) => {
    for (const [i, file] of positionals.entries()) {
      const label = positionals.length > 1 ? `import ${i + 1}/${positionals.length} ${path.basename(file)}` : 'import';
      const bar = progressBar(process.stderr, label);
      let result: Awaited<ReturnType<FormatImporter>>;
      try {
        result = await importer(services, { profile, format, file, values, kind, batchSize, bar });
      } catch (err) {
        // Name the file: with several, the error alone would not say which one failed.
        throw isAppError(err) && positionals.length > 1 ? new AppError(err.code, `${file}: ${err.message}`, err.details) : err;
      } finally {
        bar.done();
      }
      process.stdout.write(result.summary);
      if (result.stored === 0) emptyFiles++;
    }
  });
  return emptyFiles > 0 ? 1 : 0;
}

function captureKindOption(value: string | undefined): CaptureKind {
  if (value === undefined || value === 'flow' || value === 'packet') return value ?? 'flow';
  throw new AppError(ErrorCode.BAD_USER_INPUT, `--kind must be flow or packet, got "${value}"\n\n${IMPORT_USAGE}`);
}

export function formatSummary(s: ImportSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.stored / s.seconds) : s.stored;
  const lines = [
    `profile ${s.profile}: ${s.file}`,
    `  rows read  ${s.rowsRead}`,
    `  stored     ${s.stored}`,
    `  rejected   ${s.rejected}`,
    ...rejectionLines(s.reasons),
    `  time       ${s.seconds.toFixed(1)} s (${rate} rows/s)`,
  ];
  return `${lines.join('\n')}\n`;
}

export function rejectionLines(reasons: RejectionReason[]): string[] {
  return reasons.map((r) => `    ${r.count} × ${r.reason} (first at line ${r.firstLine}${r.detail ? `: ${r.detail}` : ''})`);
}

function formatCaptureSummary(s: CaptureImportSummary): string {
  const packets = s.stats.capture.packets;
  const rate = s.stats.zeek ? '' : ` (${s.seconds > 0 ? Math.round(packets / s.seconds) : packets} packets/s)`;
  const lines = [
    `profile ${s.profile} (${s.kind}): ${s.file}`,
    ...describeCaptureInput(s.stats),
    `  stored     ${s.stored} ${s.kind === 'flow' ? 'flows' : 'packets'}`,
    `  time       ${s.seconds.toFixed(1)} s${rate}`,
  ];
  return `${lines.join('\n')}\n`;
}
