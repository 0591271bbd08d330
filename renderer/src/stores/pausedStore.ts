// Exchanges a breakpoint holds now (oldest first), which one the editor shows,
// and how the last one ended. Loaded with listPaused on connect, then kept by
// the paused/unpaused events, applied in the order they came.
import { create } from 'zustand';
import type { CoreEvent, PausedExchange } from '../../../electron/core/api';

export type PauseEvent = Extract<CoreEvent, { type: 'paused' | 'unpaused' }>;

export interface PausedStore {
  list: PausedExchange[];
  /** The one the editor shows; null: the oldest. */
  selectedId: string | null;
  /** "GET https://… dropped", for the panel's status line. */
  lastEnded: string | null;
  load(list: PausedExchange[]): void;
  apply(events: PauseEvent[]): void;
  select(id: string): void;
}

export const usePaused = create<PausedStore>()((set, get) => ({
  list: [],
  selectedId: null,
  lastEnded: null,
  load: (list) => set({ list: [...list].sort((a, b) => a.pausedAt - b.pausedAt) }),
  apply(events) {
    let { list, lastEnded } = get();
    for (const e of events) {
      if (e.type === 'paused') list = [...list.filter((p) => p.id !== e.paused.id), e.paused];
      else {
        // One exchange may end its request pause and start its response pause in one batch: only the pause that ended goes.
        const ended = list.find((p) => p.id === e.id && p.phase === e.phase);
        if (!ended) continue;
        list = list.filter((p) => p !== ended);
        lastEnded = `${ended.request.method} ${ended.request.url}: ${e.outcome}`;
      }
    }
    const { selectedId } = get();
    set({ list, lastEnded, selectedId: selectedId !== null && list.some((p) => p.id === selectedId) ? selectedId : null });
  },
  select: (id) => set({ selectedId: id }),
}));

/** The paused exchange the editor shows. */
export const shownPaused = (s: Pick<PausedStore, 'list' | 'selectedId'>): PausedExchange | null =>
  (s.selectedId === null ? s.list[0] : s.list.find((p) => p.id === s.selectedId)) ?? null;
