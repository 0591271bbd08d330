// "Proxy": where clients point (host:port), the bind address, and the port,
// which can be changed: the listener moves at once, no restart.
import { useEffect, useState, type FormEvent } from 'react';
import type { ProxySettingsView } from '../../../../electron/core/api';
import { core } from '../../core';
import { useStatus } from '../../stores/statusStore';
import { describedBy, Field } from './Field';
import { SettingsGroup } from './SettingsGroup';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function ProxyGroup() {
  const [view, setView] = useState<ProxySettingsView | null>(null);
  const [port, setPort] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ text: string; good: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // The status follows every move of the listener, whoever made it.
  const address = useStatus((s) => s.status?.proxy) ?? view?.url;
  useEffect(() => {
    core()
      .invoke('getProxySettings')
      .then(
        (v) => {
          setView(v);
          setPort(String(v.port));
        },
        (err: Error) => setNotice({ text: `Could not read the proxy settings: ${err.message}`, good: false }),
      );
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = port.trim();
    setNotice(null);
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) return setError('port must be a whole number from 1 to 65535');
    setBusy(true);
    try {
      const r = await core().invoke('saveProxySettings', { port: Number(text) });
      if (r.ok) {
        setView(r.view);
        setPort(String(r.view.port));
        setError(undefined);
        setNotice({ text: r.notice, good: true });
      } else setError(r.errors.port ?? Object.values(r.errors)[0]);
    } catch (err) {
      setNotice({ text: `Not changed: ${(err as Error).message}`, good: false });
    } finally {
      setBusy(false);
    }
  };

  if (!view) {
    return <SettingsGroup id="proxy" title="Proxy">{notice && <p role="status" className="bad">{notice.text}</p>}</SettingsGroup>;
  }
  const remote = !LOOPBACK.has(view.host);
  const portHint = [
    'Applying moves the proxy to this port now (open connections close) and keeps it for the next start; a busy port is refused.',
    view.fromFlag ? `This run's port came from ${view.fromFlag}, which wins at start.` : `Saved: ${view.savedPort}; when it is busy at start the next free port is taken.`,
  ].join(' ');
  return (
    <SettingsGroup id="proxy" title="Proxy">
      <form className="settings" onSubmit={(e) => void submit(e)} noValidate aria-label="Proxy settings">
        <Field id="proxy-address" label="Proxy address" hint="Point clients' HTTP and HTTPS proxy setting here (the Traffic view shows recipes).">
          <input id="proxy-address" readOnly value={address?.replace(/^http:\/\//, '') ?? ''} aria-describedby="proxy-address-hint" />
        </Field>
        {view.note && (
          <p className="warn" role="note">
            {view.note}
          </p>
        )}
        <Field
          id="bind-address"
          label="Bind address"
          hint={
            remote
              ? 'Not loopback (--allow-remote): anyone who can reach this address can use the proxy.'
              : 'Loopback: only this machine can use the proxy. Headless, --host with --allow-remote listens elsewhere.'
          }
        >
          <input id="bind-address" readOnly value={view.host} aria-describedby="bind-address-hint" />
        </Field>
        <Field id="proxy-port" label="Proxy port" error={error} hint={portHint}>
          <input id="proxy-port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} aria-invalid={Boolean(error)} aria-describedby={describedBy('proxy-port', error)} />
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Apply port
          </button>
          {notice && (
            <span role="status" aria-label="Proxy settings result" className={notice.good ? 'good' : 'bad'}>
              {notice.text}
            </span>
          )}
        </div>
      </form>
    </SettingsGroup>
  );
}
