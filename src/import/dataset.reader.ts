import type { TrafficRecord } from '../records/traffic-record';
import type { RecordColumns } from '../records/record-columns';
import { CsvRowParser, type CsvOptions } from './csv.format';
import { KddRowParser } from './kdd.format';
import { readLines, type LineReader } from './line-reader';
import { RejectionTally } from './rejection-tally';
import { UNTERMINATED, type RowParser } from './row-parser';

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
 * batch: column batches for import (no object per row), records for scoring.
 * Malformed rows are tallied with their reason and line and skipped; only a
 * problem with the file as a whole (unreadable, header not matching the
 * options) throws, when iteration starts. Read once.
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
    for await (const batch of this.batches()) yield batch.toRecords();
  }

  async *batches(): AsyncGenerator<RecordColumns> {
    // Opened when iteration starts: a reader never iterated holds no file open.
    const lines = await readLines(this.opts.file);
    this.lines = lines;
    const { parser, tally } = this;
    const batchSize = this.opts.batchSize ?? DEFAULT_BATCH;
    const now = Date.now();
    let batch: RecordColumns | undefined = parser.hasHeader ? undefined : parser.newBatch(batchSize);
    let lineNo = 0;
    let pending = '';
    let pendingLine = 0;

    for await (const group of lines.lines) {
      for (const line of group) {
        lineNo++;
        const text = pending === '' ? line : `${pending}\n${line}`;
        if (pending === '' && text.trim() === '') continue;
        const first = pending === '' ? lineNo : pendingLine;
        // Until a batch exists, the row is the header (files with one).
        const rejection = batch === undefined ? (parser.header(text) ? undefined : UNTERMINATED) : parser.row(text, now, batch);
        if (rejection === UNTERMINATED && text.length <= MAX_RECORD_CHARS) {
          if (pending === '') pendingLine = lineNo;
          pending = text;
          continue;
        }
        pending = '';
        if (batch === undefined) {
          if (rejection) {
            this.rowsRead++;
            tally.add(rejection, first);
          } else {
            batch = parser.newBatch(batchSize);
          }
          continue;
        }
        this.rowsRead++;
        if (rejection) {
          batch.discardRow();
          tally.add(rejection, first);
          continue;
        }
        batch.endRow();
        if (batch.rows >= batchSize) {
          yield batch;
          batch = parser.newBatch(batchSize);
        }
      }
    }
    if (pending !== '') {
      this.rowsRead++;
      tally.add(UNTERMINATED, pendingLine);
    }
    if (batch !== undefined && batch.rows > 0) yield batch;
  }
}
