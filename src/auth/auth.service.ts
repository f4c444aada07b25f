import type { ApiKey, PrismaClient, Site } from '@prisma/client';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { EventBus } from '../events/pubsub';
import { DEFAULT_SITE, NAME } from '../profiles/profile.service';
import { generateApiKey, hashApiKey, keyPrefix, bearerToken } from './api-key';
import { SCOPES, type AuthContext, type Scope } from './auth-context';

/** A revoked key stops working at once here (and on other instances through the event bus); this bounds the rest. */
const CACHE_TTL_MS = 30_000;
/** Random wrong keys must not grow the cache without bound. */
const CACHE_MAX = 10_000;
const BOOTSTRAP_KEY_NAME = 'bootstrap';

export type ApiKeyRow = ApiKey & { site: { name: string } };

interface CacheEntry {
  auth: AuthContext | null;
  expires: number;
}

/**
 * API keys per site, stored as SHA-256 hashes. Every request is authenticated
 * here; the result is cached briefly so `predict` does not pay a query per call.
 */
export class AuthService {
  private readonly cache = new Map<string, CacheEntry>();
  private stopWatching?: () => Promise<unknown>;
  private readonly revokedListeners = new Set<(keyId: string) => void>();
  private openContext?: Promise<AuthContext>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventBus,
    readonly enabled: boolean,
  ) {}

  /** Follows revocations made by other server instances. */
  watchRevocations(): void {
    const revoked = this.events.subscribe('API_KEY_REVOKED');
    void (async () => {
      for await (const { hash, keyId } of revoked) {
        this.cache.delete(hash);
        for (const listener of this.revokedListeners) listener(keyId);
      }
    })();
    this.stopWatching = () => revoked.return();
  }

  /** Called with the id of every key revoked, here or on another instance; returns the unsubscribe. */
  onRevoked(listener: (keyId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.stopWatching?.();
  }

  /**
   * Makes sure a root key exists: ADMIN_API_KEY when set (an older bootstrap key
   * is revoked, so rotating the variable rotates the key), else a generated one,
   * returned so the caller can print it this once.
   */
  async bootstrap(adminApiKey?: string): Promise<string | undefined> {
    const site = await this.ensureDefaultSite();
    if (adminApiKey) {
      const hash = hashApiKey(adminApiKey);
      await this.prisma.apiKey.updateMany({
        where: { name: BOOTSTRAP_KEY_NAME, root: true, revokedAt: null, hash: { not: hash } },
        data: { revokedAt: new Date() },
      });
      await this.prisma.apiKey.upsert({
        where: { hash },
        update: { revokedAt: null },
        create: { siteId: site.id, name: BOOTSTRAP_KEY_NAME, prefix: keyPrefix(adminApiKey), hash, scopes: [...SCOPES], root: true },
      });
      return undefined;
    }
    if (await this.prisma.apiKey.findFirst({ where: { root: true, revokedAt: null } })) return undefined;
    const key = generateApiKey();
    await this.prisma.apiKey.create({
      data: { siteId: site.id, name: BOOTSTRAP_KEY_NAME, prefix: keyPrefix(key), hash: hashApiKey(key), scopes: [...SCOPES], root: true },
    });
    return key;
  }

  /** From an `Authorization` header (HTTP) or the same string in graphql-ws `connectionParams`. */
  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    if (!this.enabled) return (this.openContext ??= this.defaultSiteContext());
    const token = bearerToken(authorization);
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'An API key is required: send "Authorization: Bearer <key>"');
    const auth = await this.lookup(hashApiKey(token));
    if (!auth) throw new AppError(ErrorCode.UNAUTHENTICATED, 'The API key is not valid (unknown or revoked)');
    return auth;
  }

  async sites(auth: AuthContext): Promise<Site[]> {
    return this.prisma.site.findMany({ where: auth.root ? {} : { id: auth.siteId }, orderBy: { name: 'asc' } });
  }

  async createSite(auth: AuthContext, name: string): Promise<Site> {
    requireRoot(auth, 'create sites');
    if (!NAME.test(name)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'name' });
    }
    if (await this.prisma.site.findUnique({ where: { name } })) {
      throw new AppError(ErrorCode.CONFLICT, `A site named "${name}" exists`, { site: name });
    }
    return this.prisma.site.create({ data: { name } });
  }

  /** The key itself is in the result only now; the database keeps its hash. */
  async createApiKey(auth: AuthContext, siteName: string, scopes: readonly Scope[], name?: string | null): Promise<{ row: ApiKeyRow; key: string }> {
    requireScope(auth, 'admin');
    const site = await this.siteFor(auth, siteName);
    const wanted = [...new Set(scopes)];
    if (wanted.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'scopes must name at least one scope', { field: 'scopes' });
    if (name != null && name.length > 100) throw new AppError(ErrorCode.BAD_USER_INPUT, 'name must be at most 100 characters', { field: 'name' });
    const key = generateApiKey();
    const row = await this.prisma.apiKey.create({
      data: { siteId: site.id, name: name ?? null, prefix: keyPrefix(key), hash: hashApiKey(key), scopes: wanted },
      include: { site: { select: { name: true } } },
    });
    return { row, key };
  }

  async revokeApiKey(auth: AuthContext, id: string): Promise<ApiKeyRow> {
    requireScope(auth, 'admin');
    const row = await this.keyFor(auth, id);
    const revoked = row.revokedAt
      ? row
      : await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, include: { site: { select: { name: true } } } });
    this.cache.delete(row.hash);
    this.events.publish('API_KEY_REVOKED', { hash: row.hash, keyId: row.id });
    return revoked;
  }

  async listApiKeys(auth: AuthContext, siteName?: string | null): Promise<ApiKeyRow[]> {
    requireScope(auth, 'admin');
    const site = await this.siteFor(auth, siteName ?? auth.siteName);
    return this.prisma.apiKey.findMany({ where: { siteId: site.id }, include: { site: { select: { name: true } } }, orderBy: { createdAt: 'asc' } });
  }

  private async lookup(hash: string): Promise<AuthContext | null> {
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.expires > now) return hit.auth;
    let row: ApiKeyRow | null;
    try {
      row = await this.prisma.apiKey.findUnique({ where: { hash }, include: { site: { select: { name: true } } } });
    } catch (err) {
      // Database down: a key known a moment ago keeps working, so detection goes on from memory.
      if (hit) return hit.auth;
      throw err;
    }
    const auth: AuthContext | null =
      row && !row.revokedAt
        ? { siteId: row.siteId, siteName: row.site.name, keyId: row.id, scopes: row.scopes as Scope[], root: row.root }
        : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { auth, expires: now + CACHE_TTL_MS });
    return auth;
  }

  /** The root key and the seed REST clients belong to it; it exists from the first start. */
  ensureDefaultSite(): Promise<Site> {
    return this.prisma.site.upsert({ where: { name: DEFAULT_SITE }, update: {}, create: { name: DEFAULT_SITE } });
  }

  private async defaultSiteContext(): Promise<AuthContext> {
    const site = await this.ensureDefaultSite();
    return { siteId: site.id, siteName: site.name, keyId: null, scopes: SCOPES, root: true };
  }

  /** Another site's name is "not found" to a site admin, so names of other sites do not leak. */
  private async siteFor(auth: AuthContext, name: string): Promise<Site> {
    const site = auth.root || name === auth.siteName ? await this.prisma.site.findUnique({ where: { name } }) : null;
    if (!site) throw new AppError(ErrorCode.SITE_NOT_FOUND, `No site named "${name}"`, { site: name });
    return site;
  }

  private async keyFor(auth: AuthContext, id: string): Promise<ApiKeyRow> {
    const row = UUID.test(id) ? await this.prisma.apiKey.findUnique({ where: { id }, include: { site: { select: { name: true } } } }) : null;
    if (!row || (!auth.root && row.siteId !== auth.siteId)) throw new AppError(ErrorCode.NOT_FOUND, `No API key ${id}`, { id });
    return row;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireScope(auth: AuthContext, scope: Scope): void {
  if (!auth.scopes.includes(scope)) {
    throw new AppError(ErrorCode.FORBIDDEN, `This API key lacks the "${scope}" scope`, { scope });
  }
}

function requireRoot(auth: AuthContext, what: string): void {
  if (!auth.root) throw new AppError(ErrorCode.FORBIDDEN, `Only the bootstrap (root) key may ${what}`);
}
