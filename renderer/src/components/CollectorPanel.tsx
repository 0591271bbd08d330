import { useEffect, useState } from 'react';
import type { CollectorView } from '../../../electron/core/api';
import { core } from '../core';
import { SettingsGroup } from './settings/SettingsGroup';

/** The collector: on or off (kept for the next start), where a Kong gateway or another Proxyscope sends its messages, and the token it asks for. */
export function CollectorPanel() {
  const [view, setView] = useState<CollectorView | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    core()
      .invoke('getCollector')
      .then(setView, () => setView(null));
  }, []);
  const copy = async (what: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setNote(`${what} copied`);
    } catch {
      setNote(`${what}: copy it by hand, the clipboard is not available here`);
    }
  };
  const toggle = async (enabled: boolean) => {
    setBusy(true);
    const r = await core().invoke('setCollector', { enabled });
    setBusy(false);
    if (r.ok) {
      setView(r.view);
      setNote(r.view.running ? `Listening on ${r.view.url}` : 'Stopped');
    } else setNote(r.error);
  };
  if (!view) return null;
  return (
    <SettingsGroup id="collector" title="Collector">
      <label>
        <input type="checkbox" checked={view.running} disabled={busy} onChange={(e) => void toggle(e.target.checked)} aria-describedby="collector-hint" /> Receive Runscope
        messages
      </label>
      <p className="hint" id="collector-hint">
        A Runscope-compatible endpoint for a Kong gateway or another Proxyscope; its messages show up as a session per bucket. On or off is kept for the next start.
      </p>
      {view.running && (
        <>
          <p>
            Endpoint (the sender&apos;s <code>api_endpoint</code>): <code>{view.url}</code> <button onClick={() => void copy('URL', view.url)}>Copy URL</button>
          </p>
          <p>
            Access token for senders: <button onClick={() => void copy('Token', view.token)}>Copy token</button>
          </p>
        </>
      )}
      {note && <p role="status">{note}</p>}
    </SettingsGroup>
  );
}
