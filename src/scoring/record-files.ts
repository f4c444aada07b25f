import { CaptureFile, CAPTURE_FILE_FORMATS, type CaptureFileFormat } from '../capture/capture-file';
import { captureKindOf } from '../capture/capture-profile';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { CsvOptions } from '../import/csv.format';
import { DATASET_FORMATS, DatasetReader, type DatasetFormat } from '../import/dataset.reader';
import type { Profile } from '../profiles/profile.service';
import type { TrafficRecord } from '../records/traffic-record';
import { inputFileSize } from '../util/input-file';

export const RECORD_FILE_FORMATS = [...CAPTURE_FILE_FORMATS, ...DATASET_FORMATS] as const;
export type RecordFileFormat = CaptureFileFormat | DatasetFormat;

export interface RecordFileOptions {
  format: RecordFileFormat;
  file: string;
  /** csv: label, time and dropped columns; zeek: only `labelColumn`. */
  csv?: CsvOptions;
  batchSize?: number;
}

/** A file read as records for a profile: capture files as packets or flows, datasets as tabular rows. */
export type RecordFile = ({ type: 'capture'; reader: CaptureFile } | { type: 'dataset'; reader: DatasetReader }) & {
  /** The records come as they end, not in input order: the flows of a packet capture. */
  endOrdered: boolean;
  /** For end-ordered records, the earliest start a record after `batch` can have (see CapturePipeline.startWatermark). */
  startWatermark?(batch: readonly TrafficRecord[]): number;
};

export function isRecordFileFormat(format: string): format is RecordFileFormat {
  return (RECORD_FILE_FORMATS as readonly string[]).includes(format);
}

/** Opens `file` as the kind of records the profile's models were trained on, or says why it cannot be. */
export async function openRecordFile(profile: Profile, opts: RecordFileOptions): Promise<RecordFile> {
  const { format, file, batchSize } = opts;
  if (format === 'pcap' || format === 'zeek') {
    const kind = captureKindOf(profile);
    const reader = await CaptureFile.open({ format, file, kind, batchSize, labelColumn: opts.csv?.labelColumn });
    return { type: 'capture', reader, endOrdered: format === 'pcap' && kind === 'flow', startWatermark: (batch) => reader.startWatermark(batch) };
  }
  if (profile.kind !== 'TABULAR') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Profile "${profile.name}" holds ${profile.kind.toLowerCase()} records; ${format} rows need a tabular profile`, {
      profile: profile.name,
      kind: profile.kind,
      format,
    });
  }
  await inputFileSize(file);
  return { type: 'dataset', reader: new DatasetReader({ format, file, csv: opts.csv, batchSize }), endOrdered: false };
}
