/**
 * Splits one CSV record (RFC 4180: quoted fields, "" for a quote inside one).
 * Returns undefined while a quoted field is still open, so the caller can
 * append the next physical line (a newline inside quotes).
 */
export function splitCsv(line: string, delimiter = ','): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
