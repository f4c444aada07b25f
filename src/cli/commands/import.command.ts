import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { IMPORT_FORMATS, importDataset, type ImportFormat, type ImportSummary } from '../../import/dataset.importer';
import { numberOption, parseCommandArgs, required } from './args';
import { withServices } from './cli-services';
import { progressBar } from './progress-bar';

export const IMPORT_USAGE = `Usage: netsentinel import --profile P --format csv|kdd FILE [options]

Stores a dataset's rows as the stored traffic of a tabular profile (created if missing).
  --format csv          a header row; numeric and string columns become attributes
  --format kdd          KDD Cup '99 / NSL-KDD: no header, 41 features, label last
  --label-column NAME   (csv) ground truth: kept out of the features, saved for metrics
  --drop-columns A,B    (csv) identifiers and other columns that are not features
  --time-column NAME    (csv) record time, ISO-8601 or epoch seconds/milliseconds
  --batch-size N        rows per INSERT (default 5000)
Files may be gzip-compressed. Malformed rows are reported and skipped.`;

const OPTIONS = {
  profile: { type: 'string' },
  format: { type: 'string' },
  'label-column': { type: 'string' },
  'drop-columns': { type: 'string' },
  'time-column': { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

/** Exit code 0 when rows were stored, 1 when the file had none worth storing. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, IMPORT_USAGE);
  const profile = required(values.profile, '--profile', IMPORT_USAGE);
  const format = required(values.format, '--format', IMPORT_USAGE);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `--format must be one of ${IMPORT_FORMATS.join(', ')}\n\n${IMPORT_USAGE}`);
  }
  if (positionals.length !== 1) throw new AppError(ErrorCode.BAD_USER_INPUT, `name exactly one FILE\n\n${IMPORT_USAGE}`);
  const batchSize = numberOption(values['batch-size'], '--batch-size');
  const summary = await withServices(async (services) => {
    const bar = progressBar(process.stderr, 'import');
    try {
      return await importDataset(
        { profiles: services.profiles, pool: services.db.pool },
        {
          profile,
          format: format as ImportFormat,
          file: positionals[0],
          batchSize,
          csv: {
            labelColumn: values['label-column'],
            timeColumn: values['time-column'],
            dropColumns: values['drop-columns']?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
          },
          onProgress: (p) => bar.update(p.fraction, `${p.stored} stored, ${p.rejected} rejected`),
        },
      );
    } finally {
      bar.done();
    }
  });
  process.stdout.write(formatSummary(summary));
  return summary.stored > 0 ? 0 : 1;
}

export function formatSummary(s: ImportSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.stored / s.seconds) : s.stored;
  const lines = [
    `profile ${s.profile}: ${s.file}`,
    `  rows read  ${s.rowsRead}`,
    `  stored     ${s.stored}`,
    `  rejected   ${s.rejected}`,
    ...s.reasons.map((r) => `    ${r.count} × ${r.reason} (first at line ${r.firstLine}${r.detail ? `: ${r.detail}` : ''})`),
    `  time       ${s.seconds.toFixed(1)} s (${rate} rows/s)`,
  ];
  return `${lines.join('\n')}\n`;
}
