// Live counts for the Rules view: how many exchanges of the current session
// each rule's match selects. A match is counted once typing pauses, and every
// watched match again, at most once a second, while exchanges are recorded.
// The grid's LiveCount keeps its count from the event's per-filter matches,
// but the core computes those only for the few filters last queried for rows;
// rules are many, and counting them would push the grid's filter out.
import { create, type StoreApi } from 'zustand';
import type { CommandResult } from '../../../electron/core/api';
import { throttle } from './throttle';
import type { Invoke } from './trafficPager';

export type RuleCount =
  | { match: string; ok: true; matched: number; total: number }
  | { match: string; ok: false; error: string; column: number };

export interface RuleCountsState {
  /** By rule draft key. */
  counts: Record<string, RuleCount>;
}

export const useRuleCounts = create<RuleCountsState>()(() => ({ counts: {} }));

export const TYPING_MS = 250;
export const TRAFFIC_MS = 1000;

interface Watched {
  match: string;
  /** Answers to an older question about this key are dropped. */
  seq: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class RuleCounts {
  private readonly watched = new Map<string, Watched>();
  private inFlight = 0;
  /** Traffic arrived while a round was counting: one more round when it ends. */
  private again = false;
  private readonly recountSoon = throttle(() => this.recountAll(), TRAFFIC_MS);

  constructor(
    private readonly invoke: Invoke,
    private readonly store: Pick<StoreApi<RuleCountsState>, 'getState' | 'setState'> = useRuleCounts,
  ) {}

  /** Count `match` for `key` (a filter that parses and is not empty), once it has not changed for a moment. */
  watch(key: string, match: string): void {
    const w = this.watched.get(key);
    if (w?.match === match) return;
    if (w?.timer) clearTimeout(w.timer);
    const entry: Watched = { match, seq: (w?.seq ?? 0) + 1, timer: null };
    entry.timer = setTimeout(() => {
      entry.timer = null;
      void this.count(key, entry);
    }, TYPING_MS);
    this.watched.set(key, entry);
  }

  /** No count for `key` any more (the rule went, its match is empty or does not parse, the view closed). */
  unwatch(key: string): void {
    const w = this.watched.get(key);
    if (w?.timer) clearTimeout(w.timer);
    this.watched.delete(key);
    if (this.store.getState().counts[key]) this.store.setState((s) => ({ counts: Object.fromEntries(Object.entries(s.counts).filter(([k]) => k !== key)) }));
    if (this.watched.size === 0) this.recountSoon.cancel();
  }

  /** Exchanges were recorded, cleared, or the current session changed. */
  onTraffic(): void {
    if (this.watched.size === 0) return;
    if (this.inFlight > 0) this.again = true;
    else this.recountSoon();
  }

  private recountAll(): void {
    for (const [key, w] of this.watched) if (!w.timer) void this.count(key, w);
  }

  private async count(key: string, w: Watched): Promise<void> {
    const seq = ++w.seq;
    this.inFlight++;
    let r: Awaited<CommandResult<'countExchanges'>> | null = null;
    try {
      r = await this.invoke('countExchanges', { session: 'current', filter: w.match });
    } catch {
      // Disconnected: the reconnection counts again.
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.again) {
        this.again = false;
        this.recountSoon();
      }
    }
    if (!r || this.watched.get(key) !== w || w.seq !== seq) return;
    const count: RuleCount = r.ok ? { match: w.match, ok: true, matched: r.matched, total: r.total } : { match: w.match, ok: false, error: r.error, column: r.column };
    this.store.setState((s) => ({ counts: { ...s.counts, [key]: count } }));
  }
}
