import type { Json } from '../detector.types';

/** One member as the `members` param names it: `isolation-forest(nEstimators=200)`. */
export interface MemberSpec {
  name: string;
  params: Record<string, Json>;
}

const ITEM = /^([a-z][a-z0-9-]*)\s*(?:\((.*)\))?$/s;
const PARAM = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(\S.*)$/;

/**
 * Parses "hbos, isolation-forest(nEstimators=200, maxSamples=512)". A string
 * param, not a JSON array, because every detector param is a scalar that
 * clients can list and validate; values are numbers, true/false, or bare words.
 */
export function parseMembers(text: string): MemberSpec[] | string {
  const items = splitTopLevel(text);
  if (items === undefined) return 'unbalanced parentheses';
  if (items.length === 1 && items[0] === '') return 'name at least one member';
  if (items.includes('')) return 'a member name is empty';
  const members: MemberSpec[] = [];
  for (const item of items) {
    const match = ITEM.exec(item);
    if (match === null) return `"${item}" is not name or name(key=value, ...)`;
    const params: Record<string, Json> = {};
    for (const pair of match[2] === undefined || match[2].trim() === '' ? [] : match[2].split(',')) {
      const p = PARAM.exec(pair.trim());
      if (p === null) return `"${pair.trim()}" in ${match[1]} is not key=value`;
      if (p[1] in params) return `${match[1]} sets ${p[1]} twice`;
      params[p[1]] = paramValue(p[2].trim());
    }
    members.push({ name: match[1], params });
  }
  return members;
}

function paramValue(raw: string): Json {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : raw;
}

/** Splits at commas outside parentheses, trimmed; undefined when parentheses do not balance or nest. */
function splitTopLevel(text: string): string[] | undefined {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (i === text.length || (ch === ',' && depth === 0)) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return depth === 0 ? items : undefined;
}
