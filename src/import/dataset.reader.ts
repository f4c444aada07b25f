import type { TrafficRecord } from '../records/traffic-record';
import { splitCsv } from './csv-fields';
import { CsvRowParser, type CsvOptions } from './csv.format';
import { KddRowParser } from './kdd.format';
import { readLines, type LineReader } from './line-reader';
import { RejectionTally } from './rejection-tally';
import { isRejection, type RowParser } from './row-parser';

export const DATASET_FORMATS = ['csv', 'kdd'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface DatasetReadOptions {
  format: DatasetFormat;
  file: string;
  csv?: CsvOptions;
  /** Records per batch. */
  batchSize?: number;
}

const DEFAULT_BATCH = 5_000;
/** A quoted field may span lines, but an unclosed quote must not swallow the rest of the file. */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * A dataset file's valid rows as tabular records, in file order, batch by
 * batch (import stores them, score scores them). Malformed rows are tallied
 * with their reason and line and skipped; only a problem with the file as a
 * whole (unreadable, header not matching the options) throws, when
 * iteration starts. Read once.
 */
export class DatasetReader implements AsyncIterable<TrafficRecord[]> {
  rowsRead = 0;
  readonly tally = new RejectionTally();
  private lines: LineReader | undefined;
  private readonly parser: RowParser;

  constructor(private readonly opts: DatasetReadOptions) {
    this.parser = opts.format === 'csv' ? new CsvRowParser(opts.csv) : new KddRowParser();
  }

  /** Share of the file read so far. */
  fraction(): number {
    return this.lines?.fraction() ?? 0;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TrafficRecord[]> {
    // Opened here, not before: readline drops the lines it reads while nobody iterates yet.
    const lines = await readLines(this.opts.file);
    this.lines = lines;
    const { parser, tally } = this;
    const batchSize = this.opts.batchSize ?? DEFAULT_BATCH;
    const now = Date.now();
    let batch: TrafficRecord[] = [];
    let lineNo = 0;
    let pending = '';
    let pendingLine = 0;
    let headerSeen = !parser.hasHeader;

    for await (const line of lines.lines) {
      lineNo++;
      const text = pending === '' ? line : `${pending}\n${line}`;
      if (pending === '' && text.trim() === '') continue;
      const fields = this.opts.format === 'csv' ? splitCsv(text) : text.split(',');
      const first = pending === '' ? lineNo : pendingLine;
      if (fields === undefined) {
        if (text.length <= MAX_RECORD_CHARS) {
          if (pending === '') pendingLine = lineNo;
          pending = text;
          continue;
        }
        pending = '';
        this.rowsRead++;
        tally.add({ reason: 'unterminated quoted field' }, first);
        continue;
      }
      pending = '';
      if (!headerSeen) {
        parser.header(fields);
        headerSeen = true;
        continue;
      }
      this.rowsRead++;
      const parsed = parser.row(fields, now);
      if (isRejection(parsed)) {
        tally.add(parsed, first);
        continue;
      }
      batch.push(parsed);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (pending !== '') {
      this.rowsRead++;
      tally.add({ reason: 'unterminated quoted field' }, pendingLine);
    }
    if (batch.length > 0) yield batch;
  }
}
