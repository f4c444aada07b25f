import type { TrafficRecord } from '../records/traffic-record';

/** Why a row was skipped: `reason` groups rows in the summary, `detail` is this row's particulars. */
export interface Rejection {
  reason: string;
  detail?: string;
}

/** Turns the fields of one data row into a tabular record, or says why not. */
export interface RowParser {
  /** Whether the first row names the columns. */
  readonly hasHeader: boolean;
  /** Called with the header row; throws BAD_USER_INPUT when the options do not fit the file. */
  header(fields: string[]): void;
  row(fields: string[], timestamp: number): TrafficRecord | Rejection;
}

export function isRejection(r: TrafficRecord | Rejection): r is Rejection {
  return typeof (r as Rejection).reason === 'string';
}
