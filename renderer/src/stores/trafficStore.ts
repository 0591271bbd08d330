// Captured exchanges as the UI shows them. The list is never run through immer
// or deep-copied per event: each animation frame applies its whole batch in one
// set(), with an id → index map instead of array searches.
import { create } from 'zustand';
import type { ExchangeSummary } from '../../../electron/core/api';

export interface TrafficStore {
  rows: ExchangeSummary[];
  index: Map<string, number>;
  selectedId: string | null;
  filter: string;
  load(rows: ExchangeSummary[]): void;
  apply(added: ExchangeSummary[], updated: ExchangeSummary[]): void;
  clear(): void;
  select(id: string | null): void;
  setFilter(filter: string): void;
}

export const useTraffic = create<TrafficStore>()((set, get) => ({
  rows: [],
  index: new Map(),
  selectedId: null,
  filter: '',
  load(rows) {
    set({ rows, index: new Map(rows.map((r, i) => [r.id, i])) });
  },
  apply(added, updated) {
    if (added.length === 0 && updated.length === 0) return;
    const { rows: current, index } = get();
    const rows = current.slice();
    // An update may arrive for a row this client has not seen (it connected late): add it.
    for (const row of added.concat(updated)) {
      const at = index.get(row.id);
      if (at === undefined) {
        index.set(row.id, rows.length);
        rows.push(row);
      } else rows[at] = row;
    }
    set({ rows, index });
  },
  clear() {
    set({ rows: [], index: new Map(), selectedId: null });
  },
  select(selectedId) {
    set({ selectedId });
  },
  setFilter(filter) {
    set({ filter });
  },
}));

export function matchesFilter(row: ExchangeSummary, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return row.url.toLowerCase().includes(f) || row.method.toLowerCase() === f || String(row.status ?? '') === f || (row.delivery ?? '') === f;
}
