import { useState, type FormEvent } from 'react';
import { GraphQLRequestError, request } from '../api/graphql';
import { VIEWER } from '../api/operations';
import type { Viewer } from '../api/types';

interface Props {
  /** Why the page asks again (a saved key stopped working), if it does. */
  notice: string | null;
  onSignedIn(key: string, viewer: Viewer): void;
}

/** Asks for an API key and tries it (`viewer`) before anything keeps it. */
export function SignIn({ notice, onSignedIn }: Props) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    try {
      const { viewer } = await request<{ viewer: Viewer }>(VIEWER, undefined, { key: candidate });
      onSignedIn(candidate, viewer);
    } catch (err) {
      setError(err instanceof GraphQLRequestError ? err.message : `The server could not be reached: ${(err as Error).message}`);
      setBusy(false);
    }
  }

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title" data-testid="sign-in">
      <h2 id="sign-in-title">Sign in</h2>
      <p className="muted">
        This server needs an API key (<code>nsk_…</code>). Its administrator creates one with <code>createApiKey</code>; the first
        one is printed when the server starts for the first time.
      </p>
      {notice && <p className="notice">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <label htmlFor="api-key">API key</label>
        <div className="sign-in-row">
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoFocus
            autoCapitalize="off"
            spellCheck={false}
            placeholder="nsk_…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={error ? 'sign-in-error' : undefined}
          />
          <button type="submit" className="primary" disabled={busy}>
            Sign in
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
