// What can be done with the selected rows at once: pin or unpin, delete (asked
// twice), export them as HAR, send each again, or send them to Runscope.
import { useState } from 'react';
import { core, traffic } from '../../core';
import { download } from '../download';
import { SendToRunscope } from '../SendToRunscope';
import { idFilter } from './selectionFilter';

/** The core's bound on one bulk command (apiSchemas' BULK_MAX). */
export const BULK_MAX = 500;

export function BulkActions({ ids }: { ids: string[] }) {
  const [note, setNote] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (ids.length > BULK_MAX) return <span className="muted">Select at most {BULK_MAX} rows to act on them together.</span>;
  const n = ids.length.toLocaleString('en');

  const pin = async (pinned: boolean) => {
    await core().invoke('pinExchanges', { ids, pinned });
    setNote(`${pinned ? 'Pinned' : 'Unpinned'} ${n}`);
    traffic().invalidate();
  };
  const remove = async () => {
    setConfirming(false);
    const r = await core().invoke('deleteExchanges', { ids });
    traffic().select(null);
    traffic().invalidate();
    setNote(`Deleted ${r.deleted.toLocaleString('en')}`);
  };
  const exportHar = async () => {
    const r = await core().invoke('exportHar', { session: 'all', filter: idFilter(ids) });
    if (!r.ok) return setNote(`Export refused: ${r.error}`);
    download(`proxyscope-selection-${r.count}.har`, r.har, 'application/json');
    setNote(`Exported ${r.count}`);
  };
  const resendAll = async () => {
    setBusy(true);
    let ok = 0;
    const refused: string[] = [];
    for (const id of ids) {
      const r = await core().invoke('resendExchange', { id });
      if (r.ok) ok++;
      else refused.push(r.error);
      setNote(`Resending: ${ok + refused.length} of ${n}`);
    }
    setBusy(false);
    setNote(`Resent ${ok} of ${n}${refused.length ? `; refused: ${refused[0]}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''}` : ''}`);
  };

  return (
    <>
      <button type="button" onClick={() => void pin(true)}>
        Pin
      </button>
      <button type="button" onClick={() => void pin(false)}>
        Unpin
      </button>
      {confirming ? (
        <span role="group" aria-label="Confirm delete">
          Delete {n} from the store?{' '}
          <button type="button" onClick={() => void remove()}>
            Delete {n}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
      <button type="button" onClick={() => void exportHar()}>
        Export HAR
      </button>
      <button type="button" disabled={busy} onClick={() => void resendAll()}>
        Resend
      </button>
      <SendToRunscope session="all" filter={idFilter(ids)} label="the selected exchanges" />
      {note && (
        <span role="status" aria-label="Selection result" className="muted">
          {note}
        </span>
      )}
    </>
  );
}
