/** What a key may do on its own site. `admin` also manages keys and live capture. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: every query, mutation and subscription is scoped to `siteId`. */
export interface AuthContext {
  siteId: string;
  siteName: string;
  /** The API key's id; null when auth is off (AUTH=off on loopback). Rate limits key on it. */
  keyId: string | null;
  scopes: readonly Scope[];
  /** The bootstrap key (ADMIN_API_KEY or the one printed at first start) may create sites and keys for any site. */
  root: boolean;
}
