// The UI's live view of the traffic: each exchange once when it starts and once
// when it is recorded (and when an addon changes it), batched per frame.
import { summaryOf } from '../flow/views.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

export function eventsAddon(): Addon {
  let ctx: AddonContext;
  return {
    name: 'events',
    start: (c) => {
      ctx = c;
    },
    requestHeaders: (ex) => {
      if (ctx.events.listening) ctx.events.exchangeAdded(summaryOf(ex));
    },
    recorded: (ex) => {
      if (!ctx.events.listening) return;
      ctx.events.exchangeUpdated(summaryOf(ex));
      ctx.events.statusChanged();
    },
    metaChanged: (_change, ex) => {
      if (ex && ctx.events.listening) ctx.events.exchangeUpdated(summaryOf(ex));
    },
    cleared: () => ctx.events.clearedAll(),
  };
}
