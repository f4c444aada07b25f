import type { TrafficRecord } from '../records/traffic-record';
import { MAX_STRING } from './cell';
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

const SYMBOLIC = new Set([1, 2, 3]);
const LABEL = KDD_FEATURES.length;
/** KDD'99 rows end with the label; NSL-KDD adds a difficulty level after it, which is not a feature. */
const FIELD_COUNTS = new Set([KDD_FEATURES.length + 1, KDD_FEATURES.length + 2]);

/** KDD Cup '99 / NSL-KDD: no header, 41 named features, then the label. */
export class KddRowParser implements RowParser {
  readonly hasHeader = false;

  header(): void {}

  row(fields: string[], now: number): TrafficRecord | Rejection {
    if (!FIELD_COUNTS.has(fields.length)) {
      return { reason: `wrong number of fields (expected ${KDD_FEATURES.length + 1}, or ${KDD_FEATURES.length + 2} for NSL-KDD)`, detail: `got ${fields.length}` };
    }
    const attributes: Record<string, number | string> = {};
    for (let i = 0; i < LABEL; i++) {
      const raw = fields[i];
      if (SYMBOLIC.has(i)) {
        if (raw === '' || raw.length > MAX_STRING) return { reason: `bad ${KDD_FEATURES[i]}`, detail: JSON.stringify(raw) };
        attributes[KDD_FEATURES[i]] = raw;
        continue;
      }
      const n = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) return { reason: `${KDD_FEATURES[i]} is not a number`, detail: JSON.stringify(raw) };
      attributes[KDD_FEATURES[i]] = n;
    }
    const label = fields[LABEL].trim();
    if (label === '' || label.length > MAX_STRING) return { reason: 'missing or bad label', detail: JSON.stringify(label) };
    return { timestamp: now, attributes, label };
  }
}
