// Keeps the newest exchanges in memory (a bounded cache: the session store is
// the record) and answers the pipeline's find / latest / clear for every addon,
// and listExchanges.
import { summaryOf } from '../../flow/views.js';
import type { Addon } from '../../pipeline/addon.js';
import { ExchangeStore } from './exchangeStore.js';

export interface StoreAddon extends Addon {
  /** The memory cache's count bound, from now on. */
  setMaxExchanges(maxExchanges: number): void;
}

export function storeAddon(limits: { maxExchanges: number; maxBytes: number }): StoreAddon {
  const store = new ExchangeStore(limits.maxExchanges, limits.maxBytes);
  return {
    setMaxExchanges: (n) => store.setMaxExchanges(n),
    name: 'store',
    requestHeaders: (ex) => store.add(ex),
    // Added at its request headers, before any body byte: all its bytes are new now.
    done: (ex) => store.grew(ex, 0),
    find: (id) => store.get(id),
    latest: (limit) => store.latest(limit),
    clear: () => store.clear(),
    forget: (ids) => store.forget(ids),
    commands: {
      listExchanges: ({ limit }) => store.latest(limit ?? 10_000).map(summaryOf),
    },
  };
}
