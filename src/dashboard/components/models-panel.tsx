import { useCallback, useEffect, useState } from 'react';
import { request, subscribe } from '../api/graphql';
import { ACTIVATE_MODEL, MODEL_ACTIVATED, MODELS } from '../api/operations';
import type { Capabilities, Model } from '../api/types';
import { dateTime } from '../format';
import { TrainButton } from './train-button';

interface Props {
  profile: string;
  capabilities: Capabilities;
}

/** Every model version per detector; activating an older one rolls back, a newer one rolls forward. */
export function ModelsPanel({ profile, capabilities }: Props) {
  const [models, setModels] = useState<Model[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    request<{ models: Model[] }>(MODELS, { profile }).then(
      (d) => {
        setModels(d.models);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [profile]);

  useEffect(() => {
    setModels(null);
    setNotice(null);
    load();
    return subscribe<{ modelActivated: { detector: string; version: number } }>(MODEL_ACTIVATED, { profile }, {
      next: ({ modelActivated: m }) => {
        setNotice(`${m.detector} v${m.version} is now active`);
        load();
      },
    });
  }, [profile, load]);

  async function activate(m: Model) {
    setBusy(m.id);
    setError(null);
    try {
      await request(ACTIVATE_MODEL, { id: m.id });
      load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }

  const byDetector = groupBy(models ?? [], (m) => m.detector);
  return (
    <section className="panel models" aria-labelledby="models-title">
      <header className="panel-head">
        <h2 id="models-title">Models</h2>
        <TrainButton profile={profile} capabilities={capabilities} onFinished={load} />
      </header>
      {notice && <p className="ok" role="status">{notice}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {models && models.length === 0 && <p className="empty">No model yet: train this profile.</p>}
      {[...byDetector].map(([detector, versions]) => {
        const active = versions.find((v) => v.active);
        return (
          <div key={detector} className="model-group">
            <h3>{detector}</h3>
            <table>
              <thead>
                <tr>
                  <th>version</th>
                  <th>trained</th>
                  <th className="num rows">rows</th>
                  <th className="num">threshold</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((m) => (
                  <tr key={m.id} className={m.active ? 'active' : ''} data-testid={`model-${detector}-v${m.version}`}>
                    <td>v{m.version}</td>
                    <td>{dateTime(m.trainedAt)}</td>
                    <td className="num rows">{m.metrics.rows?.toLocaleString() ?? '–'}</td>
                    <td className="num">{m.threshold.toPrecision(3)}</td>
                    <td className="act">
                      {m.active ? (
                        <span className="badge on">active</span>
                      ) : (
                        <button
                          type="button"
                          disabled={!capabilities.activateModel || busy !== null}
                          title={capabilities.activateModel ? undefined : 'This server cannot activate models'}
                          onClick={() => activate(m)}
                        >
                          {active && m.version < active.version ? 'Roll back' : 'Activate'}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
