import { useCallback, useEffect, useRef, useState } from 'react';
import { clearApiKey, getApiKey, onApiKeyChange, setApiKey } from './api/api-key';
import { GraphQLRequestError, onAuthRequired, request, UNAUTHENTICATED } from './api/graphql';
import { VIEWER } from './api/operations';
import type { Viewer } from './api/types';

export type Session =
  | { state: 'checking' }
  /** `key` is null with AUTH=off: the server answers without one. */
  | { state: 'signed-in'; viewer: Viewer; key: string | null }
  | { state: 'signed-out'; notice: string | null }
  | { state: 'unreachable'; message: string };

const REFUSED_NOTICE = 'The saved API key was refused (revoked or mistyped). Sign in again.';

/**
 * Who the page acts as. It asks the server (`viewer`) with the stored key, if any:
 * with AUTH=off that works without one, so the sign-in panel never shows there.
 */
export function useSession() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  // The key the current session belongs to, so answers about an older key are dropped.
  const current = useRef<string | null | undefined>(undefined);

  const refused = useCallback((key: string | null) => {
    current.current = null;
    if (key) clearApiKey();
    setSession({ state: 'signed-out', notice: key ? REFUSED_NOTICE : null });
  }, []);

  const check = useCallback(async () => {
    const key = getApiKey();
    current.current = key;
    setSession({ state: 'checking' });
    try {
      const { viewer } = await request<{ viewer: Viewer }>(VIEWER, undefined, { key });
      if (current.current === key) setSession({ state: 'signed-in', viewer, key });
    } catch (err) {
      if (current.current !== key) return;
      if (err instanceof GraphQLRequestError && err.code === UNAUTHENTICATED) refused(key);
      else setSession({ state: 'unreachable', message: (err as Error).message });
    }
  }, [refused]);

  useEffect(() => {
    void check();
    // A key refused while in use (revoked), over HTTP or by the socket.
    const offRefused = onAuthRequired(() => refused(getApiKey()));
    // Signed in or out in another tab.
    const offChange = onApiKeyChange((key) => key !== current.current && void check());
    return () => {
      offRefused();
      offChange();
    };
  }, [check, refused]);

  /** The key has been validated already (it came with its viewer): only now is it stored. */
  const signIn = useCallback((key: string, viewer: Viewer) => {
    current.current = key;
    setApiKey(key);
    setSession({ state: 'signed-in', viewer, key });
  }, []);

  /** Forgets the key; with AUTH=off the page carries on without one. */
  const signOut = useCallback(() => {
    current.current = null;
    clearApiKey();
    void check();
  }, [check]);

  return { session, signIn, signOut, retry: check };
}
