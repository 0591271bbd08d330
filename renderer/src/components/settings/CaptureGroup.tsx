// "Capture": the body cap and how many exchanges are kept, in memory and on
// disk. Saved for the next start and applied at once to new exchanges; a
// value a command-line flag set for this run is shown, not editable.
import { useEffect, useState, type FormEvent } from 'react';
import type { CaptureField, CaptureSettingsView } from '../../../../electron/core/api';
import { core } from '../../core';
import { formatBytes } from '../format';
import { describedBy, Field } from './Field';
import { SettingsGroup } from './SettingsGroup';

interface Spec {
  field: CaptureField;
  id: string;
  label: string;
  help: string;
  bytes?: true;
  /** On disk: nothing to bound with the session store off. */
  stored?: true;
}

const FIELDS: Spec[] = [
  { field: 'maxBodyBytes', id: 'max-body-bytes', label: 'Body cap (bytes)', help: 'Kept of each request or response body; the rest passes through uncaptured. 0 keeps no bodies.', bytes: true },
  { field: 'storeMaxExchanges', id: 'store-max-exchanges', label: 'Exchanges in memory', help: 'The newest exchanges held in memory for quick access; every exchange is also on disk.' },
  { field: 'storedMaxExchanges', id: 'stored-max-exchanges', label: 'Exchanges kept on disk', help: 'Retention across all sessions: past it the oldest exchanges are deleted.', stored: true },
  { field: 'storedMaxBytes', id: 'stored-max-bytes', label: 'Disk space kept (bytes)', help: 'Retention across all sessions: past it the oldest exchanges are deleted.', bytes: true, stored: true },
];

type Draft = Record<CaptureField, string>;
const draftOf = (v: CaptureSettingsView): Draft => Object.fromEntries(FIELDS.map((f) => [f.field, String(v.values[f.field])])) as Draft;

export function CaptureGroup() {
  const [view, setView] = useState<CaptureSettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [notice, setNotice] = useState<{ text: string; good: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    core()
      .invoke('getCaptureSettings')
      .then(
        (v) => {
          setView(v);
          setDraft(draftOf(v));
        },
        (err: Error) => setNotice({ text: `Could not read the capture settings: ${err.message}`, good: false }),
      );
  }, []);

  const locked = (s: Spec) => Boolean(view?.fromFlag[s.field]) || (s.stored === true && view?.sessionStore === false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!view || !draft) return;
    const input: Partial<Record<CaptureField, number>> = {};
    const local: Partial<Record<string, string>> = {};
    for (const s of FIELDS) {
      if (locked(s)) continue;
      const text = draft[s.field].trim();
      if (!/^\d+$/.test(text)) local[s.field] = `${s.field} must be a whole number of ${s.field === 'maxBodyBytes' ? '0' : '1'} or more`;
      else input[s.field] = Number(text);
    }
    setNotice(null);
    if (Object.keys(local).length) return setErrors(local);
    setBusy(true);
    try {
      const r = await core().invoke('saveCaptureSettings', input);
      if (r.ok) {
        setView(r.view);
        setDraft(draftOf(r.view));
        setErrors({});
        setNotice({ text: 'Applied to new exchanges, and kept for the next start', good: true });
      } else {
        setErrors(r.errors);
        setNotice({ text: 'Not applied: fix the fields marked', good: false });
      }
    } catch (err) {
      setNotice({ text: `Not applied: ${(err as Error).message}`, good: false });
    } finally {
      setBusy(false);
    }
  };

  const hintOf = (s: Spec) => {
    const flag = view?.fromFlag[s.field];
    if (flag) return `${s.help} Set by ${flag} for this run; without the flag the saved value applies.`;
    if (s.stored && view?.sessionStore === false) return `${s.help} The session store is off (--no-session-store): nothing is kept on disk.`;
    const n = Number(draft?.[s.field]);
    return s.bytes && Number.isSafeInteger(n) && n >= 1024 ? `${s.help} (${formatBytes(n)})` : s.help;
  };

  return (
    <SettingsGroup id="capture" title="Capture" intro="What is kept of the traffic. Saved for the next start and applied at once: the body cap to new exchanges, retention to what is stored.">
      {!draft || !view ? (
        notice && <p role="status" className="bad">{notice.text}</p>
      ) : (
        <form className="settings" onSubmit={(e) => void submit(e)} noValidate aria-label="Capture settings">
          {FIELDS.map((s) => (
            <Field key={s.field} id={s.id} label={s.label} error={errors[s.field]} hint={hintOf(s)}>
              <input
                id={s.id}
                inputMode="numeric"
                value={draft[s.field]}
                disabled={locked(s)}
                onChange={(e) => setDraft({ ...draft, [s.field]: e.target.value })}
                aria-invalid={Boolean(errors[s.field])}
                aria-describedby={describedBy(s.id, errors[s.field])}
              />
            </Field>
          ))}
          {errors.capture && <p className="error" role="alert">{errors.capture}</p>}
          <div className="actions">
            <button type="submit" disabled={busy}>
              Apply limits
            </button>
            {notice && (
              <span role="status" aria-label="Capture settings result" className={notice.good ? 'good' : 'bad'}>
                {notice.text}
              </span>
            )}
          </div>
        </form>
      )}
    </SettingsGroup>
  );
}
