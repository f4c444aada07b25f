/** Builds Zeek conn.log fixtures, TSV with the usual headers or JSON lines, from rows of raw field text. */

/** The conn.log layout of the CTU labelled logs. */
export const ZEEK_CONN_FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes',
  'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes',
  'tunnel_parents', 'label', 'detailedlabel',
];

const NUMERIC = new Set(['ts', 'id.orig_p', 'id.resp_p', 'duration', 'orig_bytes', 'resp_bytes', 'missed_bytes', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes']);

/** Missing fields are written unset ('-'), except tunnel_parents, which Zeek writes as '(empty)'. */
export function zeekConnTsv(rows: Record<string, string>[], fields: string[] = ZEEK_CONN_FIELDS): Buffer {
  const header = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2022-06-17-00-00-07',
    `#fields\t${fields.join('\t')}`,
    `#types\t${fields.map((f) => (NUMERIC.has(f) ? 'count' : 'string')).join('\t')}`,
  ];
  const lines = rows.map((row) => fields.map((f) => row[f] ?? (f === 'tunnel_parents' ? '(empty)' : '-')).join('\t'));
  return Buffer.from(`${[...header, ...lines, '#close\t2022-06-17-01-00-00'].join('\n')}\n`);
}

/** JSON lines the way Zeek's JSON writer makes them: unset fields left out, numbers as numbers. */
export function zeekConnJson(rows: Record<string, string>[]): Buffer {
  const lines = rows.map((row) => {
    const object: Record<string, string | number> = {};
    for (const [field, value] of Object.entries(row)) {
      if (value === '-') continue;
      object[field] = value === '(empty)' ? '' : NUMERIC.has(field) ? Number(value) : value;
    }
    return JSON.stringify(object);
  });
  return Buffer.from(`${lines.join('\n')}\n`);
}
