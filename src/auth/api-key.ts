import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `nsk_…` so a leaked one is easy to recognise (and to scan for). */
const KEY_PREFIX = 'nsk_';
/** Characters kept in clear for lists: the prefix plus 8 of the secret. */
const SHOWN_CHARS = KEY_PREFIX.length + 8;

/** 192 random bits: a key needs no slow hash, so one SHA-256 per lookup is enough. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function keyPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARS);
}

/** `Authorization: Bearer KEY` (scheme case-insensitive, as RFC 7235 says). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
