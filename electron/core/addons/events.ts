// The UI's live view of the traffic: each exchange once when it starts and once
// when it is recorded (and when an addon changes it, or while it streams),
// batched per frame.
import { summaryOf } from '../flow/views.js';
import { nowMs, type Exchange } from '../flow/exchange.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

const PROGRESS_MS = 200;

export function eventsAddon(): Addon {
  let ctx: AddonContext;
  // A change to an exchange not yet recorded is in its recorded summary: it is not reported apart, before it.
  const recorded = new WeakSet<object>();
  const lastProgress = new WeakMap<Exchange, number>();
  const trailing = new WeakSet<Exchange>();
  return {
    name: 'events',
    start: (c) => {
      ctx = c;
    },
    requestHeaders: (ex) => {
      if (ctx.events.listening) ctx.events.exchangeAdded(summaryOf(ex));
    },
    // A streaming response or a websocket grows while pending: its row (and an open detail) follow, at most
    // every PROGRESS_MS, since chunks and frames can come thousands a second.
    progress: (ex) => {
      if (!ctx.events.listening || trailing.has(ex)) return;
      // The first goes PROGRESS_MS after the start: most exchanges have ended by then, and cost no event.
      const wait = (lastProgress.get(ex) ?? ex.timings.startedAt) + PROGRESS_MS - nowMs();
      const send = () => {
        trailing.delete(ex);
        // Ended meanwhile: its recorded summary says the rest.
        if (ex.timings.endedAt !== null || !ctx.events.listening) return;
        lastProgress.set(ex, nowMs());
        ctx.events.exchangeUpdated(summaryOf(ex));
      };
      if (wait <= 0) return send();
      // The last change of a burst is not lost: it goes at the end of the window.
      trailing.add(ex);
      setTimeout(send, wait).unref();
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
