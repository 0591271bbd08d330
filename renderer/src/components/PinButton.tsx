// Pin or unpin the exchange in the detail view (is:pinned finds pinned ones).
// It shows what it last set: an exchange no longer in memory sends no update.
import { useState } from 'react';
import { core, traffic } from '../core';

export function PinButton({ id, pinned }: { id: string; pinned: boolean }) {
  const [on, setOn] = useState(pinned);
  const toggle = async () => {
    await core().invoke('pinExchanges', { ids: [id], pinned: !on });
    setOn(!on);
    traffic().invalidate();
  };
  return (
    <button type="button" aria-pressed={on} onClick={() => void toggle()}>
      {on ? '★ Pinned' : 'Pin'}
    </button>
  );
}
