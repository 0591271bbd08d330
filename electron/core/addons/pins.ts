// Pins: the user marks exchanges to keep an eye on (the grid shows a mark;
// `is:pinned` finds them). A pin is meta, so it is stored with the exchange,
// in memory or not, and goes wherever its state goes.
import { PINNED_META } from '../flow/views.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

export function pinsAddon(): Addon {
  let ctx: AddonContext;
  return {
    name: 'pins',
    start: (c) => {
      ctx = c;
    },
    commands: {
      pinExchanges: ({ ids, pinned }) => {
        for (const id of ids) ctx.setMeta(id, PINNED_META, pinned ? true : null);
        return { ok: true, count: ids.length };
      },
    },
  };
}
