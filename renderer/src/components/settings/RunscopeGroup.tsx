// "Runscope forwarding": where each exchange's message goes (Kong's runscope
// plugin options), with one line of help per field, and the test message.
import { useEffect, useState, type FormEvent } from 'react';
import { core } from '../../core';
import { useSettings } from '../../stores/settingsStore';
import { TestMessageButton } from '../TestMessageButton';
import { checkDraft, type SettingsDraft } from '../settingsValidation';
import { describedBy, Field } from './Field';
import { SettingsGroup } from './SettingsGroup';

/** Where the token is kept depends on the shell: the desktop app has the OS keychain, headless a file. */
function tokenStorage(): string {
  return core().kind === 'electron'
    ? 'Kept encrypted by the OS keychain (Electron safeStorage), never shown again.'
    : 'Kept in a 0600 file in the data dir, never shown again.';
}

export function RunscopeGroup() {
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

  const stored = saved?.accessTokenLast4 ? `The stored token ends in ${saved.accessTokenLast4}; leave empty to keep it.` : 'No token stored.';
  return (
    <SettingsGroup id="runscope" title="Runscope forwarding" intro="Each captured exchange is sent to this Runscope bucket as one message, as Kong's runscope plugin does. Empty bucket or token: forwarding off.">
      <form className="settings" onSubmit={(e) => void submit(e)} noValidate aria-label="Runscope settings">
        <Field id="bucket" label="Bucket" error={errors.bucket} hint={<>The bucket key, shown in the bucket&apos;s settings and in its URL, e.g. <code>abc123xyz</code>.</>}>
          <input id="bucket" value={draft.bucket} placeholder="abc123xyz" onChange={(e) => set({ bucket: e.target.value })} aria-invalid={Boolean(errors.bucket)} aria-describedby={describedBy('bucket', errors.bucket)} />
        </Field>
        <Field id="access-token" label="Access token" error={errors.access_token} hint={`A Runscope API access token. ${tokenStorage()} ${stored}`}>
          <input
            id="access-token"
            type="password"
            autoComplete="off"
            value={draft.accessToken}
            placeholder={saved?.accessTokenLast4 ? `•••• ${saved.accessTokenLast4}` : ''}
            onChange={(e) => set({ accessToken: e.target.value })}
            aria-invalid={Boolean(errors.access_token)}
            aria-describedby={describedBy('access-token', errors.access_token)}
          />
        </Field>
        <Field id="log-body" label="Log bodies" error={errors.log_body} hint="Adds the request and response bodies to each message (base64, up to the capture body cap); off: headers, status and timings only.">
          <input id="log-body" type="checkbox" checked={draft.logBody} onChange={(e) => set({ logBody: e.target.checked })} aria-describedby={describedBy('log-body', errors.log_body)} />
        </Field>
        <Field
          id="redact-credentials"
          label="Redact credentials when forwarding"
          error={errors.redact_credentials}
          hint="Authorization, Proxy-Authorization, Cookie and Set-Cookie values are sent to Runscope as [redacted]. Kong's plugin sent them as they were."
        >
          <input id="redact-credentials" type="checkbox" checked={draft.redactCredentials} onChange={(e) => set({ redactCredentials: e.target.checked })} aria-describedby={describedBy('redact-credentials', errors.redact_credentials)} />
        </Field>
        <Field id="api-endpoint" label="API endpoint" error={errors.api_endpoint} hint="Where messages are POSTed: Runscope's API, or any compatible collector (another Proxyscope's, say).">
          <input id="api-endpoint" value={draft.apiEndpoint} onChange={(e) => set({ apiEndpoint: e.target.value })} aria-invalid={Boolean(errors.api_endpoint)} aria-describedby={describedBy('api-endpoint', errors.api_endpoint)} />
        </Field>
        <Field id="timeout" label="Timeout (ms)" error={errors.timeout} hint="How long one POST to the API may take, in milliseconds, before it fails and is retried later (Kong's timeout).">
          <input id="timeout" inputMode="numeric" value={draft.timeout} onChange={(e) => set({ timeout: e.target.value })} aria-invalid={Boolean(errors.timeout)} aria-describedby={describedBy('timeout', errors.timeout)} />
        </Field>
        <Field id="keepalive" label="Keepalive (ms)" error={errors.keepalive} hint="How long an idle connection to the API stays open for the next message, in milliseconds (Kong's keepalive).">
          <input id="keepalive" inputMode="numeric" value={draft.keepalive} onChange={(e) => set({ keepalive: e.target.value })} aria-invalid={Boolean(errors.keepalive)} aria-describedby={describedBy('keepalive', errors.keepalive)} />
        </Field>
        {errors.settings && <p className="error" role="alert">{errors.settings}</p>}
        <div className="actions">
          <button type="submit" disabled={saving}>
            Save
          </button>
          {notice && <span role="status" className={notice === 'Saved' ? 'good' : 'bad'}>{notice}</span>}
          <TestMessageButton />
        </div>
        <p className="hint" id="test-message-hint">
          Send test message posts one sample message with the saved settings and shows the answer: the HTTP status and Runscope&apos;s uuid, or the error.
        </p>
      </form>
    </SettingsGroup>
  );
}
