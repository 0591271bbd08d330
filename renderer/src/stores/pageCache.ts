// The grid's window onto a result that may hold a million rows: pages of
// PAGE_SIZE rows by offset, fetched around the visible range and dropped when
// far from it, so the renderer never holds a whole session. Pure functions over
// an immutable map, so a store can hand each version to React as it is.
import type { ExchangeSummary } from '../../../electron/core/api';

export const PAGE_SIZE = 200;
/** Pages kept on either side of the visible ones (scrolling back shows rows, not placeholders). */
export const KEEP_PAGES = 2;

export interface Page {
  rows: ExchangeSummary[];
  /** Rows may have shifted since it was fetched (new rows sorted into the result): refetch when in view. */
  stale: boolean;
}

/** Page number → page. */
export type Pages = ReadonlyMap<number, Page>;

/** Inclusive row indices the grid shows. */
export interface Range {
  start: number;
  end: number;
}

export const pageOf = (index: number): number => Math.floor(index / PAGE_SIZE);
export const offsetOf = (page: number): number => page * PAGE_SIZE;

/** Page numbers that hold rows of the range, within the `matched` rows there are. */
export function pagesIn(range: Range, matched: number): number[] {
  if (matched <= 0 || range.end < range.start) return [];
  const last = pageOf(Math.min(range.end, matched - 1));
  const out: number[] = [];
  for (let p = pageOf(Math.max(0, range.start)); p <= last; p++) out.push(p);
  return out;
}

/** Whether a cached page lacks rows it should have (it was fetched when fewer rows matched). */
function short(page: Page, n: number, matched: number): boolean {
  return page.rows.length < PAGE_SIZE && offsetOf(n) + page.rows.length < matched;
}

/**
 * Pages of the range to fetch: absent ones and short ones always, stale ones
 * when `refreshStale` (the caller throttles those, they are shown meanwhile).
 */
export function pagesToFetch(pages: Pages, range: Range, matched: number, refreshStale: boolean): number[] {
  return pagesIn(range, matched).filter((n) => {
    const page = pages.get(n);
    return !page || short(page, n, matched) || (refreshStale && page.stale);
  });
}

/** Drops pages farther than KEEP_PAGES from the range; the same map when nothing goes. */
export function prune(pages: Pages, range: Range): Pages {
  const lo = pageOf(Math.max(0, range.start)) - KEEP_PAGES;
  const hi = pageOf(Math.max(0, range.end)) + KEEP_PAGES;
  let kept: Map<number, Page> | null = null;
  for (const n of pages.keys()) {
    if (n >= lo && n <= hi) continue;
    kept ??= new Map(pages);
    kept.delete(n);
  }
  return kept ?? pages;
}

export function withPage(pages: Pages, n: number, rows: ExchangeSummary[], stale = false): Pages {
  const next = new Map(pages);
  next.set(n, { rows, stale });
  return next;
}

export function rowAt(pages: Pages, index: number): ExchangeSummary | undefined {
  return pages.get(pageOf(index))?.rows[index - offsetOf(pageOf(index))];
}

export function markStale(pages: Pages): Pages {
  return new Map([...pages].map(([n, p]) => [n, p.stale ? p : { rows: p.rows, stale: true }]));
}

/** Rows of cached pages replaced by their updated versions; the same map when none is cached. */
export function withUpdates(pages: Pages, updated: ReadonlyMap<string, ExchangeSummary>): Pages {
  if (updated.size === 0) return pages;
  let next: Map<number, Page> | null = null;
  for (const [n, page] of pages) {
    let rows: ExchangeSummary[] | null = null;
    page.rows.forEach((row, i) => {
      const fresh = updated.get(row.id);
      if (!fresh) return;
      rows ??= page.rows.slice();
      rows[i] = fresh;
    });
    if (!rows) continue;
    next ??= new Map(pages);
    next.set(n, { rows, stale: page.stale });
  }
  return next ?? pages;
}

/** Where a cached row is, by id. */
export function indexOfId(pages: Pages, id: string): number | undefined {
  for (const [n, page] of pages) {
    const i = page.rows.findIndex((r) => r.id === id);
    if (i >= 0) return offsetOf(n) + i;
  }
  return undefined;
}

export function cachedIds(pages: Pages): Set<string> {
  const ids = new Set<string>();
  for (const page of pages.values()) for (const r of page.rows) ids.add(r.id);
  return ids;
}
