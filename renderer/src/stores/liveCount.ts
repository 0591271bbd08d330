// Keeps "matched of total" right while traffic arrives, without counting a
// session again per event. An exchange is new when it is recorded after its
// start was seen (`added`); its id is then remembered for a while, so its later
// changes (delivery state) are not counted again. A row on a cached page is not
// proof that it was counted: a page fetched just after the store committed it
// can arrive before the event saying so. Whether a recorded row
// matches comes from the event's `matches` for this filter. When an event
// cannot be accounted for (a row recorded whose start came before we listened,
// a filter the core gave no matches for), the answer is: count again.
import type { ExchangeSummary } from '../../../electron/core/api';

/** Ids remembered; beyond that, a change of a forgotten row asks for a recount. */
const REMEMBERED = 20_000;

export interface Counts {
  matched: number;
  total: number;
  /** matched is a lower bound: the exact count is on its way. */
  atLeast?: true;
}

export interface LiveEvent {
  added: readonly ExchangeSummary[];
  updated: readonly ExchangeSummary[];
  matches?: Record<string, string[]>;
}

export interface LiveContext {
  /** The filter text of the grid's result ('' for none). */
  filter: string;
  /** Whether the row belongs to the session being viewed. */
  inScope(row: ExchangeSummary): boolean;
  /** Whether the row is on a cached page (so it matched when fetched). */
  cached(id: string): boolean;
}

export interface LiveResult {
  counts: Counts;
  /** Rows entered or left the result: cached pages may have shifted. */
  shifted: boolean;
  /** The counts could not be kept from this event: ask the core again. */
  recount: boolean;
}

/** A Map that forgets its oldest entries past `max`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export class LiveCount {
  /** Started, not recorded yet. */
  private inFlight = new Map<string, true>();
  /** Recorded since we listened → whether it matches the current filter (null: not known). */
  private recorded = new Map<string, boolean | null>();

  /** The filter changed: what was known of matches no longer holds. */
  forgetMatches(): void {
    for (const id of this.recorded.keys()) this.recorded.set(id, null);
  }

  /** The result was emptied (cleared, another session): nothing recorded is remembered. */
  reset(): void {
    this.recorded.clear();
  }

  apply(counts: Counts, event: LiveEvent, ctx: LiveContext): LiveResult {
    let { matched, total } = counts;
    let shifted = false;
    let recount = false;
    const listed = ctx.filter === '' ? undefined : event.matches?.[ctx.filter];
    const selected = listed ? new Set(listed) : null;
    const matchOf = (id: string): boolean | null => (ctx.filter === '' ? true : selected ? selected.has(id) : null);

    for (const row of event.added) if (ctx.inScope(row)) remember(this.inFlight, row.id, true, REMEMBERED);
    for (const row of event.updated) {
      const wasInFlight = this.inFlight.delete(row.id);
      if (!ctx.inScope(row)) continue;
      const now = matchOf(row.id);
      const counted = this.recorded.has(row.id);
      if (wasInFlight && !counted) {
        // New, even if a page fetched since shows it: the store commits before the event is sent.
        total++;
        if (now === null) recount = true;
        else if (now) {
          matched++;
          shifted = true;
        }
      } else if (counted || ctx.cached(row.id)) {
        // A change to a row already counted (a cached one matched when fetched): only its membership may move.
        const before = this.recorded.get(row.id) ?? (ctx.cached(row.id) ? true : null);
        if (ctx.filter !== '' && (now === null || before === null)) recount = true;
        else if (now !== before) {
          matched += now ? 1 : -1;
          shifted = true;
        }
      } else recount = true;
      remember(this.recorded, row.id, now, REMEMBERED);
    }
    matched = Math.max(0, Math.min(matched, total));
    return { counts: counts.atLeast ? { matched, total, atLeast: true } : { matched, total }, shifted, recount };
  }
}
