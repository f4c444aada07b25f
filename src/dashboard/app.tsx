import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { request } from './api/graphql';
import { SETUP, UPSERT_PROFILE } from './api/operations';
import type { Anomaly, Capabilities, Detector, Profile, Viewer } from './api/types';
import { Activity } from './components/activity';
import { ConnectionBadge } from './components/connection-badge';
import { LiveFeed } from './components/live-feed';
import { ModelsPanel } from './components/models-panel';
import { ProfileEditor } from './components/profile-editor';
import { SignIn } from './components/sign-in';
import { useSession } from './session';

interface Setup {
  profiles: Profile[];
  detectors: Detector[];
  __schema: { mutationType: { fields: { name: string }[] } | null; subscriptionType: { fields: { name: string }[] } | null };
}

/** The profile in the address (?profile=…) so a view can be bookmarked or shared. */
function profileFromUrl(): string {
  return new URLSearchParams(location.search).get('profile') ?? 'default';
}

export function App() {
  const { session, signIn, signOut, retry } = useSession();
  if (session.state === 'signed-in') {
    // A new key is another caller (maybe another site): everything starts afresh.
    return <Dashboard key={session.key ?? ''} viewer={session.viewer} onSignOut={session.key ? signOut : undefined} />;
  }
  return (
    <>
      <header className="topbar">
        <Brand />
      </header>
      <main className="gate">
        {session.state === 'checking' && <p className="muted">Connecting…</p>}
        {session.state === 'signed-out' && <SignIn notice={session.notice} onSignedIn={signIn} />}
        {session.state === 'unreachable' && (
          <p className="error" role="alert">
            {session.message}{' '}
            <button type="button" onClick={() => void retry()}>
              Retry
            </button>
          </p>
        )}
      </main>
    </>
  );
}

function Brand() {
  return (
    <a className="brand" href="/">
      net<strong>sentinel</strong>
    </a>
  );
}

interface DashboardProps {
  viewer: Viewer;
  /** Absent when the page has no key to forget (AUTH=off). */
  onSignOut?: () => void;
}

function Dashboard({ viewer, onSignOut }: DashboardProps) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [profileName, setProfileName] = useState(profileFromUrl);
  const [liveTick, setLiveTick] = useState(0);

  useEffect(() => {
    request<Setup>(SETUP).then(setSetup, (err: Error) => setError(err.message));
  }, []);

  const selectProfile = (name: string) => {
    setProfileName(name);
    history.replaceState(null, '', name === 'default' ? location.pathname : `?profile=${encodeURIComponent(name)}`);
  };
  const profileSaved = (p: Profile) =>
    setSetup((s) => s && { ...s, profiles: [...s.profiles.filter((x) => x.name !== p.name), p].sort((a, b) => a.name.localeCompare(b.name)) });
  const onAnomaly = useCallback((_a: Anomaly) => setLiveTick((t) => t + 1), []);

  const profile = setup?.profiles.find((p) => p.name === profileName);
  const capabilities = setup ? capabilitiesOf(setup) : null;
  return (
    <>
      <header className="topbar">
        <Brand />
        <label className="inline profile-pick">
          profile
          <select value={profileName} onChange={(e) => selectProfile(e.target.value)} data-testid="profile-select">
            {(setup?.profiles ?? [{ name: profileName, site: 'default' }]).map((p) => (
              <option key={p.name} value={p.name}>
                {p.site === 'default' ? p.name : `${p.site} / ${p.name}`}
              </option>
            ))}
          </select>
        </label>
        <NewProfile onCreated={(p) => (profileSaved(p), selectProfile(p.name))} />
        <ConnectionBadge />
        <a className="link" href="/graphql">
          GraphQL playground
        </a>
        <span className="site" data-testid="site" title={`scopes: ${viewer.scopes.join(', ')}`}>
          site <strong>{viewer.site}</strong>
        </span>
        {onSignOut && (
          <button type="button" className="ghost" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </header>
      {error && <p className="error banner" role="alert">{error}</p>}
      <main className="grid">
        <LiveFeed profile={profileName} onAnomaly={onAnomaly} />
        <Activity profile={profileName} liveTick={liveTick} />
        {setup && profile && <ProfileEditor profile={profile} detectors={setup.detectors} onSaved={profileSaved} />}
        {setup && !profile && <p className="error panel">No profile named “{profileName}”.</p>}
        {capabilities && profile && <ModelsPanel profile={profileName} capabilities={capabilities} />}
      </main>
    </>
  );
}

function NewProfile({ onCreated }: { onCreated(p: Profile): void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const d = await request<{ upsertProfile: Profile }>(UPSERT_PROFILE, { input: { name: name.trim() } });
      onCreated(d.upsertProfile);
      setOpen(false);
      setName('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  if (!open) {
    return (
      <button type="button" className="ghost" onClick={() => setOpen(true)}>
        + profile
      </button>
    );
  }
  return (
    <form className="new-profile" onSubmit={create}>
      <input autoFocus placeholder="name, e.g. office" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!error} />
      <button type="submit">Create</button>
      <button type="button" className="ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && <span className="field-error" role="alert">{error}</span>}
    </form>
  );
}

function capabilitiesOf(setup: Setup): Capabilities {
  const mutations = new Set(setup.__schema.mutationType?.fields.map((f) => f.name));
  const subscriptions = new Set(setup.__schema.subscriptionType?.fields.map((f) => f.name));
  return {
    trainModel: mutations.has('trainModel'),
    activateModel: mutations.has('activateModel'),
    trainingProgress: subscriptions.has('trainingProgress'),
  };
}
