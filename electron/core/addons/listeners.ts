// The app's onExchange listeners (the CLI's `exchange` lines, tests): each
// recorded exchange's summary, once it may be reported.
import type { ExchangeSummary } from '../api.js';
import { summaryOf } from '../flow/views.js';
import type { Addon } from '../pipeline/addon.js';

export function listenersAddon(listeners: ReadonlyArray<(s: ExchangeSummary) => void>): Addon {
  return {
    name: 'listeners',
    recorded: (ex) => {
      if (listeners.length === 0) return;
      const summary = summaryOf(ex);
      for (const l of listeners) l(summary);
    },
  };
}
