// Grid selection: a plain click, ctrl/cmd toggles, shift ranges from the anchor
// over the rows in memory.
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, withPage } from '../../../renderer/src/stores/pageCache.js';
import { NO_SELECTION, ranged, single, soleSelected, toggled } from '../../../renderer/src/stores/selection.js';
import { summary } from './rows.js';

const rows = (page: number) => Array.from({ length: PAGE_SIZE }, (_, i) => summary(`r${page * PAGE_SIZE + i}`));
// Pages 0 and 1 in memory, page 2 not (scrolled away), page 3 again.
const pages = withPage(withPage(withPage(new Map(), 0, rows(0)), 1, rows(1)), 3, rows(3));
const ids = (s: { selectedIds: ReadonlySet<string> }) => [...s.selectedIds].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));

describe('selection', () => {
  it('a plain click selects the row alone, and its detail shows', () => {
    const s = single('r3');
    expect(s).toEqual({ selectedId: 'r3', selectedIds: new Set(['r3']), anchorId: 'r3' });
    expect(soleSelected(s)).toBe('r3');
    expect(single(null)).toBe(NO_SELECTION);
  });

  it('ctrl/cmd-click toggles a row; no detail while several are selected', () => {
    const two = toggled(single('r1'), 'r5');
    expect(ids(two)).toEqual(['r1', 'r5']);
    expect(two.selectedId).toBe('r5');
    expect(soleSelected(two)).toBeNull();
    // Taking one out of two leaves the other, whose detail shows again.
    const back = toggled(two, 'r5');
    expect(ids(back)).toEqual(['r1']);
    expect(soleSelected(back)).toBe('r1');
    expect(ids(toggled(back, 'r1'))).toEqual([]);
    expect(soleSelected(toggled(back, 'r1'))).toBeNull();
  });

  it('shift selects the range from the anchor, either way, and a new one replaces it', () => {
    const down = ranged(single('r2'), pages, 5);
    expect(ids(down)).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(down.selectedId).toBe('r5');
    expect(down.anchorId).toBe('r2');
    expect(ids(ranged(down, pages, 0))).toEqual(['r0', 'r1', 'r2']);
    // Across a page boundary.
    expect(ids(ranged(single(`r${PAGE_SIZE - 1}`), pages, PAGE_SIZE + 1))).toEqual([`r${PAGE_SIZE - 1}`, `r${PAGE_SIZE}`, `r${PAGE_SIZE + 1}`]);
  });

  it('a range reaching past the pages in memory takes the rows that are loaded; without an anchor, the row alone', () => {
    const far = ranged(single(`r${2 * PAGE_SIZE - 2}`), pages, 3 * PAGE_SIZE + 1);
    expect(ids(far)).toEqual([`r${2 * PAGE_SIZE - 2}`, `r${2 * PAGE_SIZE - 1}`, `r${3 * PAGE_SIZE}`, `r${3 * PAGE_SIZE + 1}`]);
    expect(ranged(NO_SELECTION, pages, 4)).toEqual(single('r4'));
    // A row not loaded: nothing changes.
    const s = single('r1');
    expect(ranged(s, pages, 2 * PAGE_SIZE + 5)).toBe(s);
  });
});
