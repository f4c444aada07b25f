import { RecordColumns } from '../records/record-columns';
import { MAX_STRING, decimalAt } from './cell';
import type { Rejection, RowParser } from './row-parser';

/** The 41 connection features of KDD Cup '99 and NSL-KDD, in file order. */
export const KDD_FEATURES = [
  'duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'dst_bytes', 'land', 'wrong_fragment', 'urgent',
  'hot', 'num_failed_logins', 'logged_in', 'num_compromised', 'root_shell', 'su_attempted', 'num_root',
  'num_file_creations', 'num_shells', 'num_access_files', 'num_outbound_cmds', 'is_host_login', 'is_guest_login',
  'count', 'srv_count', 'serror_rate', 'srv_serror_rate', 'rerror_rate', 'srv_rerror_rate', 'same_srv_rate',
  'diff_srv_rate', 'srv_diff_host_rate', 'dst_host_count', 'dst_host_srv_count', 'dst_host_same_srv_rate',
  'dst_host_diff_srv_rate', 'dst_host_same_src_port_rate', 'dst_host_srv_diff_host_rate', 'dst_host_serror_rate',
  'dst_host_srv_serror_rate', 'dst_host_rerror_rate', 'dst_host_srv_rerror_rate',
] as const;

const LABEL = KDD_FEATURES.length;
const SYMBOLIC = KDD_FEATURES.map((_, i) => i === 1 || i === 2 || i === 3);
/** Column indexes of a batch from newBatch(): the 41 features in file order, then these. */
const LABEL_COLUMN = LABEL;
const TIME_COLUMN = LABEL + 1;
/** KDD'99 rows end with the label; NSL-KDD adds a difficulty level after it, which is not a feature. */
const MIN_FIELDS = LABEL + 1;
const MAX_FIELDS = LABEL + 2;

/**
 * KDD Cup '99 / NSL-KDD: no header, 41 named features, then the label. A row is
 * scanned in place (comma positions, then numbers read between them) rather
 * than split: the 38 numeric cells never become strings.
 */
export class KddRowParser implements RowParser {
  readonly hasHeader = false;
  private readonly numbers = new Float64Array(LABEL);
  /** Start of every field, and one past the end of the last (as if a comma followed it); room for one field too many. */
  private readonly starts = new Int32Array(MAX_FIELDS + 2);
  /** The last string cell of each column: rows come in long runs of equal values, and an equal cell is not copied out of the line again. */
  private readonly last: string[] = [];

  header(): boolean {
    return true;
  }

  newBatch(capacity: number): RecordColumns {
    const batch = new RecordColumns(capacity);
    for (const name of KDD_FEATURES) batch.attribute(name);
    batch.field('label');
    batch.field('timestamp');
    return batch;
  }

  row(text: string, now: number, out: RecordColumns): Rejection | undefined {
    const fields = this.scan(text);
    if (fields < MIN_FIELDS || fields > MAX_FIELDS) {
      return { reason: `wrong number of fields (expected ${MIN_FIELDS}, or ${MAX_FIELDS} for NSL-KDD)`, detail: `got ${text.split(',').length}` };
    }
    const { numbers, starts } = this;
    // Everything is checked before the first cell is written.
    for (let i = 0; i < LABEL; i++) {
      const from = starts[i];
      const to = starts[i + 1] - 1;
      if (SYMBOLIC[i]) {
        if (to === from || to - from > MAX_STRING) return { reason: `bad ${KDD_FEATURES[i]}`, detail: JSON.stringify(text.slice(from, to)) };
        continue;
      }
      const n = decimalAt(text, from, to);
      if (!Number.isFinite(n)) return { reason: `${KDD_FEATURES[i]} is not a number`, detail: JSON.stringify(text.slice(from, to)) };
      numbers[i] = n;
    }
    const label = this.stringAt(text, starts[LABEL], starts[LABEL + 1] - 1, LABEL).trim();
    if (label === '' || label.length > MAX_STRING) return { reason: 'missing or bad label', detail: JSON.stringify(label) };
    for (let i = 0; i < LABEL; i++) {
      if (SYMBOLIC[i]) out.setString(i, this.stringAt(text, starts[i], starts[i + 1] - 1, i));
      else out.setNumber(i, numbers[i]);
    }
    out.setString(LABEL_COLUMN, label);
    out.setNumber(TIME_COLUMN, now);
    return undefined;
  }

  /** Records where each field starts; returns the number of fields, or MAX_FIELDS + 1 for more. */
  private scan(text: string): number {
    const starts = this.starts;
    let fields = 1;
    starts[0] = 0;
    for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
      if (fields > MAX_FIELDS) return fields;
      starts[fields++] = i + 1;
    }
    starts[fields] = text.length + 1;
    return fields;
  }

  private stringAt(text: string, from: number, to: number, column: number): string {
    const last = this.last[column];
    if (last !== undefined && last.length === to - from && text.startsWith(last, from)) return last;
    return (this.last[column] = text.slice(from, to));
  }
}
