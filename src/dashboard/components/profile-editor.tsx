import { useEffect, useState, type FormEvent } from 'react';
import { GraphQLRequestError, request } from '../api/graphql';
import { UPSERT_PROFILE } from '../api/operations';
import type { Detector, DetectorParam, ParamValue, Profile, RecordKind } from '../api/types';

interface Draft {
  kind: RecordKind;
  enabled: Record<string, boolean>;
  /** Text as typed, per detector and param, so a half-typed number is not lost. */
  params: Record<string, Record<string, string | boolean>>;
  budget: boolean;
  contamination: string;
  alertsPerDay: string;
  storeTraffic: boolean;
  retrainEvery: string;
}

/** Server errors by where to show them: a profile field, `detector.param`, or `form`. */
type FieldErrors = Record<string, string>;

interface Props {
  profile: Profile;
  detectors: Detector[];
  onSaved(p: Profile): void;
}

export function ProfileEditor({ profile, detectors, onSaved }: Props) {
  const [draft, setDraft] = useState(() => toDraft(profile, detectors));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');

  // A saved profile comes back as a new object: take its values, but keep saying it was saved.
  useEffect(() => setDraft(toDraft(profile, detectors)), [profile, detectors]);
  useEffect(() => {
    setErrors({});
    setStatus('idle');
  }, [profile.name]);

  const change = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setStatus('idle');
  };
  const setParam = (detector: string, param: string, value: string | boolean) =>
    change({ params: { ...draft.params, [detector]: { ...draft.params[detector], [param]: value } } });

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus('saving');
    setErrors({});
    try {
      const d = await request<{ upsertProfile: Profile }>(UPSERT_PROFILE, { input: toInput(profile.name, draft, detectors) });
      setStatus('saved');
      onSaved(d.upsertProfile);
    } catch (err) {
      setStatus('idle');
      setErrors(fieldErrors(err));
    }
  }

  return (
    <section className="panel config" aria-labelledby="config-title">
      <header className="panel-head">
        <h2 id="config-title">Configuration</h2>
        <span className="muted">
          site <strong>{profile.site}</strong> · profile <strong>{profile.name}</strong>
        </span>
      </header>
      <form onSubmit={save} noValidate data-testid="profile-form">
        <div className="row">
          <label>
            Records are
            <select value={draft.kind} onChange={(e) => change({ kind: e.target.value as RecordKind })}>
              <option value="PACKET">packets</option>
              <option value="FLOW">flows</option>
              <option value="TABULAR">table rows</option>
            </select>
          </label>
        </div>

        <fieldset>
          <legend>Detectors</legend>
          {detectors.map((det) => (
            <div key={det.name} className={`detector ${draft.enabled[det.name] ? '' : 'off'}`} data-testid={`detector-${det.name}`}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={draft.enabled[det.name]}
                  onChange={(e) => change({ enabled: { ...draft.enabled, [det.name]: e.target.checked } })}
                />
                <strong>{det.name}</strong>
                <span className="muted">{det.summary}</span>
              </label>
              {draft.enabled[det.name] && (
                <div className="params">
                  {det.params.map((p) => (
                    <ParamField
                      key={p.name}
                      detector={det.name}
                      param={p}
                      value={draft.params[det.name][p.name]}
                      error={errors[`${det.name}.${p.name}`]}
                      onChange={(v) => setParam(det.name, p.name, v)}
                    />
                  ))}
                  {errors[`${det.name}.`] && <p className="field-error" role="alert">{errors[`${det.name}.`]}</p>}
                </div>
              )}
            </div>
          ))}
          <FieldError message={errors.detectors} />
        </fieldset>

        <fieldset>
          <legend>Sensitivity</legend>
          <div className="row">
            <label className="check">
              <input type="radio" name="sensitivity" checked={!draft.budget} onChange={() => change({ budget: false })} />
              Expected fraction of anomalies
            </label>
            <label className="check">
              <input type="radio" name="sensitivity" checked={draft.budget} onChange={() => change({ budget: true })} />
              Alert budget
            </label>
          </div>
          {draft.budget ? (
            <label>
              Alerts per day
              <input
                type="number"
                min="0"
                step="any"
                value={draft.alertsPerDay}
                aria-invalid={!!errors.alertsPerDay}
                onChange={(e) => change({ alertsPerDay: e.target.value })}
                data-testid="alerts-per-day"
              />
              <FieldError message={errors.alertsPerDay} />
            </label>
          ) : (
            <label>
              Contamination <span className="hint">in (0, 0.5]; default 0.01</span>
              <input
                type="number"
                min="0"
                max="0.5"
                step="any"
                value={draft.contamination}
                aria-invalid={!!errors.contamination}
                onChange={(e) => change({ contamination: e.target.value })}
                data-testid="contamination"
              />
              <FieldError message={errors.contamination} />
            </label>
          )}
        </fieldset>

        <fieldset>
          <legend>Data</legend>
          <label className="check">
            <input type="checkbox" checked={draft.storeTraffic} onChange={(e) => change({ storeTraffic: e.target.checked })} />
            Keep scored records for retraining
          </label>
          <label>
            Retrain every <span className="hint">seconds, at least 60; empty = never</span>
            <input
              type="number"
              min="60"
              step="1"
              value={draft.retrainEvery}
              aria-invalid={!!errors.retrainEvery}
              onChange={(e) => change({ retrainEvery: e.target.value })}
            />
            <FieldError message={errors.retrainEvery} />
          </label>
        </fieldset>

        <FieldError message={errors.form} />
        <div className="actions">
          <button type="submit" className="primary" disabled={status === 'saving'}>
            {status === 'saving' ? 'Saving…' : 'Save'}
          </button>
          {status === 'saved' && (
            <span className="ok" role="status" data-testid="saved">
              Saved. Retrain to apply detector changes.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

interface ParamFieldProps {
  detector: string;
  param: DetectorParam;
  value: string | boolean;
  error?: string;
  onChange(v: string | boolean): void;
}

function ParamField({ detector, param, value, error, onChange }: ParamFieldProps) {
  const id = `param-${detector}-${param.name}`;
  const range = [param.min != null && `≥ ${param.min}`, param.max != null && `≤ ${param.max}`].filter(Boolean).join(', ');
  const changed = String(value) !== String(param.default);
  return (
    <div className={`param ${changed ? 'changed' : ''}`}>
      <label htmlFor={id} title={param.description}>
        {param.name}
        <span className="hint">
          default {String(param.default)}
          {range && `; ${range}`}
        </span>
      </label>
      {param.type === 'boolean' ? (
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
      ) : (
        <input
          id={id}
          type={param.type === 'string' ? 'text' : 'number'}
          step={param.type === 'int' ? 1 : 'any'}
          value={String(value)}
          placeholder={String(param.default)}
          aria-invalid={!!error}
          onChange={(e) => onChange(e.target.value)}
          data-testid={id}
        />
      )}
      <FieldError message={error} />
    </div>
  );
}

function FieldError({ message }: { message?: string }) {
  return message ? (
    <span className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

function toDraft(profile: Profile, detectors: Detector[]): Draft {
  const configured = new Map(profile.detectors.map((d) => [d.name, d.params]));
  return {
    kind: profile.kind,
    enabled: Object.fromEntries(detectors.map((d) => [d.name, configured.has(d.name)])),
    params: Object.fromEntries(
      detectors.map((d) => [
        d.name,
        Object.fromEntries(d.params.map((p) => [p.name, shown(configured.get(d.name)?.[p.name] ?? p.default)])),
      ]),
    ),
    budget: profile.alertsPerDay != null,
    contamination: String(profile.contamination),
    alertsPerDay: profile.alertsPerDay != null ? String(profile.alertsPerDay) : '',
    storeTraffic: profile.storeTraffic,
    retrainEvery: profile.retrainEvery != null ? String(profile.retrainEvery) : '',
  };
}

function shown(v: ParamValue): string | boolean {
  return typeof v === 'boolean' ? v : String(v);
}

/** Numbers go as numbers; anything unparsable goes as typed so the server names the bad param. */
function toInput(name: string, draft: Draft, detectors: Detector[]) {
  const number = (s: string) => (s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s);
  return {
    name,
    kind: draft.kind,
    detectors: detectors
      .filter((d) => draft.enabled[d.name])
      .map((d) => ({
        name: d.name,
        params: Object.fromEntries(
          d.params.flatMap((p): [string, ParamValue][] => {
            const v = draft.params[d.name][p.name];
            if (typeof v === 'boolean' || p.type === 'string') return [[p.name, v]];
            const n = number(v);
            return n === null ? [] : [[p.name, n]];
          }),
        ),
      })),
    contamination: draft.budget ? undefined : number(draft.contamination),
    alertsPerDay: draft.budget ? number(draft.alertsPerDay) : null,
    storeTraffic: draft.storeTraffic,
    retrainEvery: number(draft.retrainEvery),
  };
}

function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof GraphQLRequestError)) return { form: err instanceof Error ? err.message : String(err) };
  const out: FieldErrors = {};
  for (const e of err.errors) {
    const x = e.extensions ?? {};
    if (x.code === 'INVALID_DETECTOR_PARAMS' && x.detector) {
      const problems = Array.isArray(x.problems) ? (x.problems as { param: string; message: string }[]) : [{ param: x.param ?? '', message: e.message }];
      for (const p of problems) out[`${x.detector}.${p.param}`] = p.message;
    } else if (x.code === 'UNKNOWN_DETECTOR') {
      out.detectors = e.message;
    } else {
      // GraphQL type errors name the input path instead of a field.
      out[x.field ?? /"input\.(\w+)"/.exec(e.message)?.[1] ?? 'form'] = e.message;
    }
  }
  return out;
}
