// The detail view's actions on its request: Resend, Edit and send, Copy as.
// After a resend the new exchange is selected, and its detail says how it went.
import { useState } from 'react';
import type { ExchangeDetail } from '../../../../electron/core/api';
import { traffic } from '../../core';
import { useResend } from '../../stores/resendStore';
import { CopyAsMenu } from './CopyAsMenu';
import { resend } from './resend';
import { ResendComposer } from './ResendComposer';

export function WorkbenchActions({ detail }: { detail: ExchangeDetail }) {
  const [editing, setEditing] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const note = useResend((s) => (s.note?.id === detail.id ? s.note : null));
  if (detail.kind !== 'http') return null;
  const replayOf = typeof detail.meta.replayOf === 'string' ? detail.meta.replayOf : null;

  const again = async () => {
    setSending(true);
    setError(null);
    const refused = await resend(detail.id);
    setSending(false);
    setError(refused);
  };

  return (
    <div className="workbench">
      <div className="actions" role="toolbar" aria-label="Request actions">
        <button type="button" disabled={sending} onClick={() => void again()}>
          {sending ? 'Sending…' : 'Resend'}
        </button>
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Edit and send
        </button>
        <CopyAsMenu source={detail} />
        {(note || replayOf) && (
          <span role="status" aria-label="Resend result">
            {note ? note.text : 'Sent again by Resend'} ·{' '}
            <button type="button" className="link" onClick={() => traffic().select(note?.of ?? replayOf)}>
              Show original
            </button>
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="bad">
          {error}
        </p>
      )}
      {editing && <ResendComposer detail={detail} onClose={() => setEditing(false)} />}
    </div>
  );
}
