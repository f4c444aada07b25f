/** Longest string a record field may hold (the record validator's limit). */
export const MAX_STRING = 256;
/** Most attributes one record may carry (the record validator's limit). */
export const MAX_ATTRIBUTES = 512;

/** Placeholders datasets use for "no value". */
const MISSING = new Set(['', '?', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '-']);

/**
 * A CSV cell as an attribute value: a finite number when it reads as one,
 * undefined when it is a missing-value placeholder, the string otherwise.
 * The feature spec later decides per column whether it is numeric.
 */
export function cellValue(raw: string): number | string | undefined {
  const v = raw.trim();
  if (MISSING.has(v)) return undefined;
  const c = v.charCodeAt(0);
  // Only text that starts like a number is worth Number() (which also takes "0x1f" and "Infinity").
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return v;
}
