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

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** Longest run of digits the fast path takes: below 2^53, so the digits are an exact integer. */
const FAST_DIGITS = 15;

/**
 * Number(text.slice(start, end)) without the slice: plain decimals ("0.05",
 * "215", ".5") are read in place as digits / 10^k, which is exact (both are
 * integers below 2^53, and IEEE division rounds correctly); anything else
 * (signs, exponents, spaces, long numbers, "") goes through Number().
 * NaN for an empty cell.
 */
export function decimalAt(text: string, start: number, end: number): number {
  if (end - start > FAST_DIGITS || start === end) return start === end ? NaN : Number(text.slice(start, end));
  let digits = 0;
  let scale = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      if (scale >= 0) scale++;
    } else if (c === 46 && scale < 0) {
      scale = 0;
    } else {
      return Number(text.slice(start, end));
    }
  }
  // "." alone is not a number.
  if (scale === 0 && end - start === 1) return NaN;
  return scale > 0 ? digits / POW10[scale] : digits;
}
