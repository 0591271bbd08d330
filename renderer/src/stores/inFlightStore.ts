// Exchanges that stay open once answered (a streaming response, a WebSocket):
// the grid lists exchanges once recorded, so these are listed above it while
// they go on. An exchange is in once an update shows it pending with a status,
// and out once an update shows it ended.
import { create } from 'zustand';
import type { ExchangeSummary } from '../../../electron/core/api';

const KEPT = 50;

interface InFlightState {
  rows: ExchangeSummary[];
  apply(updated: readonly ExchangeSummary[]): void;
  clear(): void;
}

export const useInFlight = create<InFlightState>((set) => ({
  rows: [],
  apply: (updated) =>
    set((s) => {
      if (updated.length === 0) return s;
      const byId = new Map(s.rows.map((r) => [r.id, r]));
      for (const u of updated) {
        if (u.state === 'pending' && u.status !== null) byId.set(u.id, u);
        else byId.delete(u.id);
      }
      return { rows: [...byId.values()].sort((a, b) => a.startedAt - b.startedAt).slice(-KEPT) };
    }),
  clear: () => set({ rows: [] }),
}));
