// The session store's sessions: open one in the traffic grid, rename it,
// export it as HAR or send it to Runscope, delete a past one, start a new one,
// import a HAR as one.
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../electron/core/api';
import { core, traffic } from '../core';
import { useSessions } from '../stores/sessionStore';
import { useTraffic } from '../stores/trafficStore';
import { download, fileSafe } from './download';
import { formatBytes, formatDateTime } from './format';
import { ImportHar } from './ImportHar';
import { SendToRunscope } from './SendToRunscope';
import { startNewSession } from './trafficActions';

const CURRENT_CANNOT_GO = 'The current session cannot be deleted: start a new session first';

function NameCell({ session, onError }: { session: SessionInfo; onError: (e: string | null) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <td>
        {session.name} {session.current && <span className="tag">current</span>}{' '}
        <button type="button" className="link" aria-label={`Rename ${session.name}`} onClick={() => setDraft(session.name)}>
          Rename
        </button>
      </td>
    );
  }
  const save = async () => {
    const name = draft.trim();
    if (name === '') return onError('A session needs a name');
    const r = await core().invoke('renameSession', { id: session.id, name });
    onError(r.ok ? null : (r.error ?? 'rename refused'));
    if (r.ok) setDraft(null);
  };
  return (
    <td>
      <form
        className="rename"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <input aria-label="Session name" value={draft} autoFocus maxLength={200} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setDraft(null)} />
        <button type="submit">Save</button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </form>
    </td>
  );
}

function Actions({ session, onOpen, onError }: { session: SessionInfo; onOpen: () => void; onError: (e: string | null) => void }) {
  const [confirming, setConfirming] = useState(false);
  const open = () => {
    traffic().setQuery({ session: session.current ? 'current' : session.id });
    onOpen();
  };
  const exportHar = async () => {
    const r = await core().invoke('exportHar', { session: session.id });
    if (r.ok) download(`proxyscope-${fileSafe(session.name)}.har`, r.har, 'application/json');
    else onError(r.error);
  };
  const remove = async () => {
    const r = await core().invoke('deleteSession', { id: session.id });
    onError(r.ok ? null : (r.error ?? 'delete refused'));
    setConfirming(false);
  };
  return (
    <td className="actions">
      <button type="button" onClick={open}>
        Open
      </button>
      <button type="button" onClick={() => void exportHar()}>
        Export HAR
      </button>
      <SendToRunscope session={session.id} filter="" label={`session ${session.name}`} />
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete {session.exchanges} exchanges
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" disabled={session.current} title={session.current ? CURRENT_CANNOT_GO : undefined} aria-description={session.current ? CURRENT_CANNOT_GO : undefined} onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
    </td>
  );
}

export function SessionsView({ onOpen }: { onOpen: () => void }) {
  const sessions = useSessions((s) => s.sessions);
  const viewed = useTraffic((s) => s.query.session);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  // Counts grow with the traffic without a sessions event: list them afresh when the view opens.
  useEffect(() => {
    void core().invoke('listSessions').then((list) => useSessions.getState().load(list));
  }, []);
  return (
    <section className="sessions" aria-label="Sessions list">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void startNewSession(name.trim() || undefined).then(() => setName(''));
        }}
      >
        <input aria-label="New session name" placeholder="name (optional)" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <button type="submit">New session</button>
      </form>
      <ImportHar />
      {error && (
        <p role="alert" className="bad">
          {error}
        </p>
      )}
      <table className="sessions-table" aria-label="Sessions">
        <thead>
          <tr>
            <th>Name</th>
            <th>Started</th>
            <th>Exchanges</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...sessions].reverse().map((s) => (
            <tr key={s.id} aria-current={(viewed === 'current' ? s.current : viewed === s.id) || undefined}>
              <NameCell session={s} onError={setError} />
              <td>{formatDateTime(s.startedAt)}</td>
              <td>{s.exchanges.toLocaleString('en')}</td>
              <td>{formatBytes(s.bytes)}</td>
              <Actions session={s} onOpen={onOpen} onError={setError} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
