import { describe, expect, it } from 'vitest';
import { cachedIds, indexOfId, markStale, PAGE_SIZE, pagesIn, pagesToFetch, prune, rowAt, withPage, withUpdates, type Pages } from '../../../renderer/src/stores/pageCache.js';
import { summary } from './rows.js';

const page = (n: number, count = PAGE_SIZE) => Array.from({ length: count }, (_, i) => summary(`r${n * PAGE_SIZE + i}`));
const cache = (...ns: number[]): Pages => ns.reduce<Pages>((p, n) => withPage(p, n, page(n)), new Map());

describe('page cache', () => {
  it('names the pages a range covers, within the rows that match', () => {
    expect(pagesIn({ start: 0, end: 40 }, 1000)).toEqual([0]);
    expect(pagesIn({ start: 190, end: 230 }, 1000)).toEqual([0, 1]);
    expect(pagesIn({ start: 190, end: 230 }, 195)).toEqual([0]);
    expect(pagesIn({ start: 0, end: 40 }, 0)).toEqual([]);
  });

  it('fetches absent pages and short ones; stale ones only when asked', () => {
    let pages = cache(0);
    expect(pagesToFetch(pages, { start: 150, end: 250 }, 1000, false)).toEqual([1]);
    pages = withPage(pages, 1, page(1, 10)); // fetched when 210 rows matched
    expect(pagesToFetch(pages, { start: 150, end: 250 }, 210, false)).toEqual([]);
    expect(pagesToFetch(pages, { start: 150, end: 250 }, 211, false)).toEqual([1]);
    const stale = markStale(cache(0));
    expect(pagesToFetch(stale, { start: 0, end: 40 }, 1000, false)).toEqual([]);
    expect(pagesToFetch(stale, { start: 0, end: 40 }, 1000, true)).toEqual([0]);
  });

  it('keeps pages near the range and drops the far ones', () => {
    const pages = cache(0, 1, 2, 3, 4, 5, 9);
    const kept = prune(pages, { start: 620, end: 660 }); // page 3
    expect([...kept.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(prune(kept, { start: 620, end: 660 })).toBe(kept);
  });

  it('reads rows by index, finds them by id, replaces updated ones in place', () => {
    const pages = cache(0, 2);
    expect(rowAt(pages, 405)?.id).toBe('r405');
    expect(rowAt(pages, 205)).toBeUndefined();
    expect(indexOfId(pages, 'r410')).toBe(410);
    expect(cachedIds(pages).size).toBe(400);
    const updated = withUpdates(pages, new Map([['r3', summary('r3', { delivery: 'sent' })]]));
    expect(rowAt(updated, 3)?.delivery).toBe('sent');
    expect(rowAt(pages, 3)?.delivery).toBeNull(); // the earlier version is untouched
    expect(updated.get(2)).toBe(pages.get(2));
    expect(withUpdates(pages, new Map([['elsewhere', summary('elsewhere')]]))).toBe(pages);
  });
});
