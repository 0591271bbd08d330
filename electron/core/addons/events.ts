// The UI's live view of the traffic: each exchange once when it starts and once
// when it is recorded (and when an addon changes it), batched per frame.
import { summaryOf } from '../flow/views.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

export function eventsAddon(): Addon {
  let ctx: AddonContext;
  // A change to an exchange not yet recorded is in its recorded summary: it is not reported apart, before it.
  const recorded = new WeakSet<object>();
  return {
    name: 'events',
    start: (c) => {
      ctx = c;
    },
    requestHeaders: (ex) => {
      if (ctx.events.listening) ctx.events.exchangeAdded(summaryOf(ex));
    },
    // A websocket's row and detail grow as frames pass (batched per frame like everything else).
    message: (ex) => {
      if (ctx.events.listening) ctx.events.exchangeUpdated(summaryOf(ex));
    },
    recorded: (ex) => {
      recorded.add(ex);
      if (!ctx.events.listening) return;
      ctx.events.exchangeUpdated(summaryOf(ex));
      ctx.events.statusChanged();
    },
    metaChanged: (_change, ex) => {
      if (ex && recorded.has(ex) && ctx.events.listening) ctx.events.exchangeUpdated(summaryOf(ex));
    },
    cleared: () => ctx.events.clearedAll(),
  };
}
