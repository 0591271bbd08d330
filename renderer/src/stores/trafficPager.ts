// Fills the traffic store from the core: a query's count and the pages around
// the visible range, then the live changes from events. Every answer carries
// the generation it was asked for, and one from an older query is dropped. A
// new query's first page replaces the old rows in one step, so the grid never
// shows half of each (nor an empty grid between them).
import type { StoreApi } from 'zustand';
import type { CommandArg, CommandName, CommandResult, ExchangeSummary } from '../../../electron/core/api';
import { LiveCount, type Counts, type LiveEvent } from './liveCount';
import { cachedIds, markStale, offsetOf, PAGE_SIZE, pagesIn, pagesToFetch, prune, withPage, withUpdates, type Page, type Range } from './pageCache';
import { ranged, single, toggled, type Selection } from './selection';
import { throttle } from './throttle';
import type { TrafficQuery, TrafficState } from './trafficStore';

export type Invoke = <K extends CommandName>(command: K, arg?: CommandArg<K>) => Promise<Awaited<CommandResult<K>>>;
type Store = Pick<StoreApi<TrafficState>, 'getState' | 'setState'>;

export interface PagerOptions {
  /** The current session's id once known (a row's `session` is compared with it). */
  currentSession(): number | null;
}

const RECOUNT_MS = 500;
const TAIL_MS = 250;
const STALE_MS = 500;
/** Summaries kept by id for views that name an exchange (deliveries, the detail). */
const SUMMARIES = 5000;

const sameQuery = (a: TrafficQuery, b: TrafficQuery) => a.session === b.session && a.filter === b.filter && a.sort === b.sort && a.order === b.order;

/** Rows a page shows before the count is known: exact after a short page, else at least what arrived. */
const provisional = (n: number, got: number, before: number) => (got < PAGE_SIZE ? offsetOf(n) + got : Math.max(before, offsetOf(n) + got));

export class TrafficPager {
  private readonly live = new LiveCount();
  private gen = 0;
  /** This generation's first page arrived; until then the previous result stays on screen. */
  private fresh = true;
  /** A count that arrived before the first page. */
  private heldCount: Counts | null = null;
  private countSeq = 0;
  private readonly loading = new Set<number>();
  /** Bumped when pages are marked stale: a page whose fetch began before stays stale. */
  private epoch = 0;
  private readonly summaries = new Map<string, ExchangeSummary>();
  private readonly recountSoon = throttle(() => void this.count(this.gen), RECOUNT_MS);
  private readonly tailSoon = throttle(() => this.fetchRange(true), TAIL_MS);
  private readonly staleSoon = throttle(() => this.fetchRange(true), STALE_MS);

  constructor(
    private readonly invoke: Invoke,
    private readonly store: Store,
    private readonly opts: PagerOptions,
  ) {}

  private get s(): TrafficState {
    return this.store.getState();
  }

  /** A new query, paged from the top. */
  setQuery(change: Partial<TrafficQuery>): void {
    const old = this.s.query;
    const query = { ...old, ...change };
    if (sameQuery(query, old)) return;
    if (query.session !== old.session) this.live.reset();
    else if (query.filter !== old.filter) this.live.forgetMatches();
    const span = this.s.range.end - this.s.range.start;
    this.store.setState({ query, generation: this.s.generation + 1, range: { start: 0, end: span }, problem: null });
    this.reload();
  }

  /** The same query counted and fetched again (traffic cleared, sessions changed, reconnected). */
  refresh(): void {
    this.reload();
  }

  /**
   * The result may have changed under the grid (retention evicted rows): counted
   * again and the pages in view fetched again, without dropping what is on
   * screen or in flight (evictions can come every batch under load).
   */
  invalidate(): void {
    this.epoch++;
    this.store.setState({ pages: markStale(this.s.pages) });
    this.recountSoon();
    this.staleSoon();
  }

  setRange(range: Range): void {
    const s = this.s;
    if (range.start === s.range.start && range.end === s.range.end) return;
    this.store.setState({ range, pages: this.fresh ? prune(s.pages, range) : s.pages });
    this.fetchRange(false);
    if (pagesIn(range, this.s.rowCount).some((n) => this.s.pages.get(n)?.stale)) this.staleSoon();
  }

  /** A plain click: this row alone (null: none). */
  select(id: string | null): void {
    this.setSelection(single(id));
  }

  /** Ctrl/cmd-click: the row in or out of the selection. */
  toggle(id: string): void {
    this.setSelection(toggled(this.s, id));
  }

  /** Shift-click, Shift+Arrow: the rows from the anchor to the one at `index`. */
  extendTo(index: number): void {
    this.setSelection(ranged(this.s, this.s.pages, index));
  }

  private setSelection(sel: Selection): void {
    const id = sel.selectedId;
    this.store.setState({ ...sel, selected: id === null ? null : (this.summaries.get(id) ?? null) });
  }

  /** The exchange as last seen in a page or an event, if it was seen lately. */
  summary(id: string): ExchangeSummary | undefined {
    return this.summaries.get(id);
  }

  onExchanges(all: LiveEvent): void {
    for (const row of all.added) this.remember(row);
    for (const row of all.updated) this.remember(row);
    // A pending row in `updated` is one still streaming (its detail follows it): not yet recorded, so not
    // in the store the pages and counts read.
    const event = all.updated.some((r) => r.state === 'pending') ? { ...all, updated: all.updated.filter((r) => r.state !== 'pending') } : all;
    const s = this.s;
    const wasAtEnd = this.atNewestEnd();
    const updated = new Map(event.updated.map((r) => [r.id, r]));
    let pages = withUpdates(s.pages, updated);
    const patch: Partial<TrafficState> = {};
    const latest = s.selectedId === null ? undefined : all.updated.findLast((r) => r.id === s.selectedId);
    if (latest) patch.selected = latest;
    const ids = cachedIds(pages);
    const ctx = { filter: s.query.filter, inScope: (row: ExchangeSummary) => this.inScope(row), cached: (id: string) => ids.has(id) };
    if (s.counts && this.fresh) {
      const r = this.live.apply(s.counts, event, ctx);
      if (r.counts.matched !== s.counts.matched || r.counts.total !== s.counts.total) {
        patch.counts = r.counts;
        patch.rowCount = r.counts.matched;
      }
      if (r.shifted) {
        this.epoch++;
        pages = markStale(pages);
      }
      if (pages !== s.pages) patch.pages = pages;
      this.store.setState(patch);
      if (r.recount) this.recountSoon();
      if (r.shifted && wasAtEnd) this.tailSoon();
      if (patch.rowCount !== undefined) this.fetchRange(false);
    } else {
      // Still counting: the count may have been taken before these rows were stored.
      this.live.apply({ matched: 0, total: 0 }, event, ctx);
      if (pages !== s.pages) patch.pages = pages;
      this.store.setState(patch);
      if (event.updated.some((row) => this.inScope(row))) this.recountSoon();
    }
  }

  /** Whether the grid shows the end of the result where new exchanges arrive. */
  atNewestEnd(): boolean {
    const { query, range, rowCount } = this.s;
    if (query.sort !== 'startedAt') return false;
    return query.order === 'asc' ? range.end >= rowCount - 2 : range.start <= 0;
  }

  private inScope(row: ExchangeSummary): boolean {
    const viewed = this.s.query.session;
    if (row.session === undefined) return viewed === 'current';
    if (viewed !== 'current') return row.session === viewed;
    const current = this.opts.currentSession();
    return current === null || row.session === current;
  }

  private reload(): void {
    this.gen++;
    this.fresh = false;
    this.heldCount = null;
    this.loading.clear();
    this.recountSoon.cancel();
    this.tailSoon.cancel();
    this.staleSoon.cancel();
    // The page first: the session worker answers in the order asked, and a count (every match) can take far longer than a page.
    this.fetchRange(false);
    void this.count(this.gen);
  }

  private fetchRange(refreshStale: boolean): void {
    const { range, rowCount, pages, counts } = this.s;
    // Before the first page of a query, the cache and the count still describe the previous one.
    const known: ReadonlyMap<number, Page> = this.fresh ? pages : new Map();
    const rows = this.fresh && (counts || pages.size > 0) ? rowCount : range.end + 1;
    for (const n of pagesToFetch(known, range, rows, refreshStale)) void this.fetchPage(n, this.gen);
  }

  /** A quick count first: one that would read every body answers a lower bound at once, and the exact one follows. */
  private async count(gen: number, quick = true): Promise<void> {
    const seq = ++this.countSeq;
    const { session, filter } = this.s.query;
    let r: Awaited<CommandResult<'countExchanges'>>;
    try {
      r = await this.invoke('countExchanges', quick ? { session, filter, quick } : { session, filter });
    } catch {
      return; // disconnected: the reconnection refreshes
    }
    if (gen !== this.gen || seq !== this.countSeq) return;
    if (!r.ok) return void this.store.setState({ problem: r });
    const counts: Counts = r.atLeast ? { matched: r.matched, total: r.total, atLeast: true } : { matched: r.matched, total: r.total };
    if (r.atLeast) void this.count(gen, false);
    if (!this.fresh) {
      this.heldCount = counts;
      return;
    }
    this.store.setState({ counts, rowCount: counts.matched });
    this.fetchRange(false);
  }

  private async fetchPage(n: number, gen: number): Promise<void> {
    if (this.loading.has(n)) return;
    this.loading.add(n);
    const epoch = this.epoch;
    const { session, filter, sort, order } = this.s.query;
    let r: Awaited<CommandResult<'queryExchanges'>>;
    try {
      r = await this.invoke('queryExchanges', { session, filter, sort, order, offset: offsetOf(n), limit: PAGE_SIZE });
    } catch {
      if (gen === this.gen) this.loading.delete(n);
      return;
    }
    if (gen !== this.gen) return;
    this.loading.delete(n);
    if (!r.ok) return void this.store.setState({ problem: r });
    for (const row of r.rows) this.remember(row);
    const stale = epoch !== this.epoch;
    // A new query's first page replaces the previous result's pages and counts in one step.
    const base = this.fresh ? this.s : { pages: new Map<number, Page>(), counts: this.heldCount, rowCount: this.heldCount?.matched ?? 0 };
    this.fresh = true;
    this.heldCount = null;
    let counts = base.counts;
    const end = offsetOf(n) + r.rows.length;
    if (counts && !stale && r.rows.length < PAGE_SIZE && end < counts.matched) {
      // Fewer rows than counted, and none arrived since: rows went (evicted); count them again.
      counts = { matched: end, total: counts.total };
      this.recountSoon();
    }
    const rowCount = counts ? counts.matched : provisional(n, r.rows.length, base.rowCount);
    this.store.setState({ pages: withPage(base.pages, n, r.rows, stale), counts, rowCount, problem: null });
    if (stale && this.atNewestEnd()) this.tailSoon();
    this.fetchRange(false);
  }

  private remember(row: ExchangeSummary): void {
    this.summaries.delete(row.id);
    this.summaries.set(row.id, row);
    if (this.summaries.size > SUMMARIES) this.summaries.delete(this.summaries.keys().next().value as string);
  }
}
