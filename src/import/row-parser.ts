import type { RecordColumns } from '../records/record-columns';

/** Why a row was skipped: `reason` groups rows in the summary, `detail` is this row's particulars. */
export interface Rejection {
  reason: string;
  detail?: string;
}

/** From row(): the text ends inside a quoted field, so the next line belongs to the same row. */
export const UNTERMINATED: Rejection = Object.freeze({ reason: 'unterminated quoted field' });

/**
 * Turns the text of one data row into a tabular record, written straight
 * into a column batch: an import never builds one object per row. The parser
 * owns its line syntax (KDD rows are scanned in place, CSV rows split with
 * quoting).
 */
export interface RowParser {
  /** Whether the first row names the columns. */
  readonly hasHeader: boolean;
  /** Reads the header row; false while a quoted field is still open. Throws BAD_USER_INPUT when the options do not fit the file. */
  header(text: string): boolean;
  /** An empty batch holding this parser's columns at the indexes row() writes to (after header()). */
  newBatch(capacity: number): RecordColumns;
  /** Writes the row into the batch's current row, or says why it is skipped (the caller then discards what was written). */
  row(text: string, timestamp: number, out: RecordColumns): Rejection | undefined;
}
