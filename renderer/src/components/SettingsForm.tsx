import { useEffect, useState, type FormEvent } from 'react';
import { core } from '../core';
import { useSettings } from '../stores/settingsStore';
import { TestMessageButton } from './TestMessageButton';
import { checkDraft, type SettingsDraft } from './settingsValidation';

function Field({ id, label, error, children, hint }: { id: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <span className="hint" id={`${id}-hint`}>{hint}</span>}
      {error && (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function SettingsForm() {
  const saved = useSettings((s) => s.saved);
  const errors = useSettings((s) => s.errors);
  const saving = useSettings((s) => s.saving);
  const notice = useSettings((s) => s.notice);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);

  useEffect(() => {
    if (saved) {
      setDraft({ bucket: saved.bucket, accessToken: '', logBody: saved.log_body, apiEndpoint: saved.api_endpoint, timeout: String(saved.timeout), keepalive: String(saved.keepalive), redactCredentials: saved.redact_credentials });
    }
  }, [saved]);

  if (!draft) return <p>Loading settings…</p>;
  const set = (patch: Partial<SettingsDraft>) => setDraft({ ...draft, ...patch });
  const describe = (id: string, field: string) => (errors[field] ? `${id}-error` : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local = checkDraft(draft);
    if (Object.keys(local).length) return useSettings.getState().setErrors(local);
    await useSettings.getState().save(
      {
        bucket: draft.bucket,
        access_token: draft.accessToken === '' ? null : draft.accessToken,
        log_body: draft.logBody,
        api_endpoint: draft.apiEndpoint,
        timeout: Number(draft.timeout),
        keepalive: Number(draft.keepalive),
        redact_credentials: draft.redactCredentials,
      },
      (input) => core().invoke('saveSettings', input),
    );
  };

  const tokenHint = saved?.accessTokenLast4 ? `Stored token ends in ${saved.accessTokenLast4}; leave empty to keep it.` : 'No token stored.';
  return (
    <form className="settings" onSubmit={(e) => void submit(e)} noValidate aria-label="Runscope settings">
      <Field id="bucket" label="Bucket" error={errors.bucket}>
        <input id="bucket" value={draft.bucket} onChange={(e) => set({ bucket: e.target.value })} aria-invalid={Boolean(errors.bucket)} aria-describedby={describe('bucket', 'bucket')} />
      </Field>
      <Field id="access-token" label="Access token" error={errors.access_token} hint={tokenHint}>
        <input
          id="access-token"
          type="password"
          autoComplete="off"
          value={draft.accessToken}
          placeholder={saved?.accessTokenLast4 ? `•••• ${saved.accessTokenLast4}` : ''}
          onChange={(e) => set({ accessToken: e.target.value })}
          aria-invalid={Boolean(errors.access_token)}
          aria-describedby={errors.access_token ? 'access-token-error' : 'access-token-hint'}
        />
      </Field>
      <Field id="log-body" label="Log bodies" error={errors.log_body}>
        <input id="log-body" type="checkbox" checked={draft.logBody} onChange={(e) => set({ logBody: e.target.checked })} />
      </Field>
      <Field
        id="redact-credentials"
        label="Redact credentials when forwarding"
        error={errors.redact_credentials}
        hint="Authorization, Proxy-Authorization, Cookie and Set-Cookie values are sent to Runscope as [redacted]. Kong's plugin sent them as they were."
      >
        <input id="redact-credentials" type="checkbox" checked={draft.redactCredentials} onChange={(e) => set({ redactCredentials: e.target.checked })} aria-describedby="redact-credentials-hint" />
      </Field>
      <Field id="api-endpoint" label="API endpoint" error={errors.api_endpoint}>
        <input id="api-endpoint" value={draft.apiEndpoint} onChange={(e) => set({ apiEndpoint: e.target.value })} aria-invalid={Boolean(errors.api_endpoint)} aria-describedby={describe('api-endpoint', 'api_endpoint')} />
      </Field>
      <Field id="timeout" label="Timeout (ms)" error={errors.timeout}>
        <input id="timeout" inputMode="numeric" value={draft.timeout} onChange={(e) => set({ timeout: e.target.value })} aria-invalid={Boolean(errors.timeout)} aria-describedby={describe('timeout', 'timeout')} />
      </Field>
      <Field id="keepalive" label="Keepalive (ms)" error={errors.keepalive}>
        <input id="keepalive" inputMode="numeric" value={draft.keepalive} onChange={(e) => set({ keepalive: e.target.value })} aria-invalid={Boolean(errors.keepalive)} aria-describedby={describe('keepalive', 'keepalive')} />
      </Field>
      {errors.settings && <p className="error" role="alert">{errors.settings}</p>}
      <div className="actions">
        <button type="submit" disabled={saving}>
          Save
        </button>
        {notice && <span role="status" className={notice === 'Saved' ? 'good' : 'bad'}>{notice}</span>}
        <TestMessageButton />
      </div>
    </form>
  );
}
