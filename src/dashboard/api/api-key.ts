/**
 * The API key of this browser, shared by the dashboard and the GraphiQL playground
 * (same origin, same localStorage entry). Nothing else in the pages reads or writes it.
 */
const STORAGE_KEY = 'netsentinel.apiKey';
/** `/dashboard#key=nsk_…`: a link an admin can hand over once. */
const LINK_PARAM = 'key';

const listeners = new Set<(key: string | null) => void>();

export function getApiKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY) || null;
  } catch {
    // Storage can be disabled (privacy settings); the pages then work only with AUTH=off.
    return null;
  }
}

export function setApiKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key);
  listeners.forEach((l) => l(key));
}

export function clearApiKey(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was stored then.
  }
  listeners.forEach((l) => l(null));
}

/** `Authorization` header value, or undefined without a key. */
export function bearer(key = getApiKey()): string | undefined {
  return key ? `Bearer ${key}` : undefined;
}

/** Called with the new key (or null) whenever it changes, here or in another tab of the same origin. */
export function onApiKeyChange(listener: (key: string | null) => void): () => void {
  listeners.add(listener);
  const fromOtherTab = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY || e.key === null) listener(getApiKey());
  };
  addEventListener('storage', fromOtherTab);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', fromOtherTab);
  };
}

/**
 * Stores a key handed over in the address (`#key=…`) and removes it from the
 * address bar at once, so it stays out of history, bookmarks and screenshots.
 * Returns whether there was one.
 */
export function takeApiKeyFromUrl(): boolean {
  const params = new URLSearchParams(location.hash.slice(1));
  const key = params.get(LINK_PARAM)?.trim();
  if (!params.has(LINK_PARAM)) return false;
  params.delete(LINK_PARAM);
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  if (key) setApiKey(key);
  return !!key;
}
