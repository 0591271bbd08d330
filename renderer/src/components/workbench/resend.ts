// Sends an exchange again (edited or not) and, once the new one is recorded,
// selects it and notes how it went; a refusal is handed back to show in place.
import type { ResendEdits } from '../../../../electron/core/api';
import { core, traffic } from '../../core';
import { useResend } from '../../stores/resendStore';

/** null when sent (the new exchange is selected), else why not. */
export async function resend(id: string, request?: ResendEdits): Promise<string | null> {
  let r;
  try {
    r = await core().invoke('resendExchange', request ? { id, request } : { id });
  } catch (err) {
    return (err as Error).message;
  }
  if (!r.ok) return r.error;
  const text = r.error ? `Resent: failed (${r.error})` : `Resent: ${r.status ?? 'no response'}`;
  useResend.setState({ note: { id: r.id, of: id, text } });
  traffic().select(r.id);
  return null;
}
