// The UI's live view of the traffic: each exchange once when it starts and once
// when it is recorded (and when an addon changes it, or while it streams),
// batched per frame. A UI that connects late asks listOpen for what is still
// open, since the updates it missed are not sent again.
import type { ExchangeSummary } from '../api.js';
import { summaryOf } from '../flow/views.js';
import { nowMs, type Exchange } from '../flow/exchange.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

const PROGRESS_MS = 200;

export function eventsAddon(): Addon {
  let ctx: AddonContext;
  // A change to an exchange not yet recorded is in its recorded summary: it is not reported apart, before it.
  const recorded = new WeakSet<object>();
  // Pending exchanges that grew since their row was last sent, and one timer for all of them: progress runs
  // per chunk of every response, so it only notes the exchange.
  const grown = new Set<Exchange>();
  let tick: NodeJS.Timeout | null = null;
  // Answered and still going: streams and WebSockets (a short exchange is in here between its first chunk and its
  // end). Every exchange these hooks see ends in `done`, which takes it out; a rule's no-record never reaches them.
  const open = new Set<Exchange>();
  const sendGrown = () => {
    tick = null;
    const now = nowMs();
    for (const ex of grown) {
      // Ended: its recorded summary says the rest. Younger than PROGRESS_MS: most exchanges end by then, and
      // cost no event; it waits for the next tick.
      if (ex.timings.endedAt !== null) grown.delete(ex);
      else if (now - ex.timings.startedAt >= PROGRESS_MS) {
        grown.delete(ex);
        if (ctx.events.listening) ctx.events.exchangeUpdated(summaryOf(ex));
      }
    }
    if (grown.size > 0) tick = setTimeout(sendGrown, PROGRESS_MS).unref();
  };
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
    responseHeaders: (ex) => {
      if (ex.kind === 'websocket') open.add(ex);
    },
    progress: (ex) => {
      open.add(ex);
      if (!ctx.events.listening) return;
      grown.add(ex);
      tick ??= setTimeout(sendGrown, PROGRESS_MS).unref();
    },
    done: (ex) => void open.delete(ex),
    recorded: (ex) => {
      recorded.add(ex);
      grown.delete(ex);
      if (!ctx.events.listening) return;
      ctx.events.exchangeUpdated(summaryOf(ex));
      ctx.events.statusChanged();
    },
    metaChanged: (_change, ex) => {
      if (ex && recorded.has(ex) && ctx.events.listening) ctx.events.exchangeUpdated(summaryOf(ex));
    },
    cleared: () => ctx.events.clearedAll(),
    stop: () => {
      if (tick) clearTimeout(tick);
      grown.clear();
      open.clear();
    },
    commands: {
      listOpen: (): ExchangeSummary[] => [...open].filter((ex) => ex.response !== null).map((ex) => summaryOf(ex)),
    },
  };
}
