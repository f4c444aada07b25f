import { createReadStream } from 'node:fs';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrafficRecord } from '../records/traffic-record';
import { inputFileSize } from '../util/input-file';
import type { CaptureFormat } from './capture-format';
import type { CaptureKind } from './capture-profile';
import { capturePipeline, type CapturePipeline, type CapturePipelineStats } from './capture.pipeline';

export const CAPTURE_FILE_FORMATS = ['pcap', 'zeek'] as const;
/** What a person names on the command line: pcap covers pcapng and gzip too, zeek both conn.log layouts. */
export type CaptureFileFormat = (typeof CAPTURE_FILE_FORMATS)[number];

export interface CaptureFileOptions {
  format: CaptureFileFormat;
  file: string;
  kind: CaptureKind;
  /** Records per batch (default 5000). */
  batchSize?: number;
  /** Zeek: the column that becomes `label`. */
  labelColumn?: string;
}

const DEFAULT_BATCH = 5_000;
const READ_CHUNK = 1 << 20;

const DETECTED_AS: Record<CaptureFormat, CaptureFileFormat | undefined> = {
  pcap: 'pcap',
  pcapng: 'pcap',
  'zeek-tsv': 'zeek',
  'zeek-json': 'zeek',
  gzip: undefined,
  unknown: undefined,
};

/**
 * A capture file as record batches with windowed features (the same pipeline
 * live capture runs, so stored, scored and live records match), plus how much
 * of the file was read, for a progress bar. Read once.
 */
export class CaptureFile implements AsyncIterable<TrafficRecord[]> {
  private bytesRead = 0;
  private readonly pipeline: CapturePipeline;

  private constructor(private readonly options: CaptureFileOptions, private readonly size: number) {
    this.pipeline = capturePipeline(this.read(), {
      kind: options.kind,
      windowed: true,
      batchSize: options.batchSize ?? DEFAULT_BATCH,
      labelColumn: options.labelColumn,
    });
  }

  static async open(options: CaptureFileOptions): Promise<CaptureFile> {
    if (options.format === 'zeek' && options.kind !== 'flow') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'a Zeek conn.log holds flows: use a flow profile', { format: options.format, kind: options.kind });
    }
    return new CaptureFile(options, await inputFileSize(options.file));
  }

  get stats(): CapturePipelineStats {
    return this.pipeline.stats;
  }

  /** See CapturePipeline.startWatermark. */
  startWatermark(batch: readonly TrafficRecord[]): number {
    return this.pipeline.startWatermark(batch);
  }

  fraction(): number {
    return this.size === 0 ? 1 : this.bytesRead / this.size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TrafficRecord[]> {
    for await (const batch of this.pipeline) {
      this.checkFormat();
      yield batch;
    }
    this.checkFormat();
  }

  private async *read(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(this.options.file, { highWaterMark: READ_CHUNK })) {
      this.bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  /** A Zeek log named as pcap (or the reverse) is a mistake worth saying, not something to guess around. */
  private checkFormat(): void {
    const detected = this.pipeline.stats.format;
    if (detected === undefined || DETECTED_AS[detected] === this.options.format) return;
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${this.options.file} is ${detected}, not ${this.options.format}`, {
      file: this.options.file,
      format: this.options.format,
      detected,
    });
  }
}
