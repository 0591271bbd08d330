// Which grid rows are selected: one by a plain click (its detail opens), more
// with ctrl/cmd-click (toggle), shift-click or Shift+Arrow (a range from the
// anchor). Pure functions; the pager applies them to the traffic store.
import { indexOfId, offsetOf, rowAt, type Pages } from './pageCache';

export interface Selection {
  /** The row the keyboard moves from (tabIndex 0); the one whose detail shows when it alone is selected. */
  selectedId: string | null;
  selectedIds: ReadonlySet<string>;
  /** Where a range starts: the last row clicked without shift. */
  anchorId: string | null;
}

export const NO_SELECTION: Selection = { selectedId: null, selectedIds: new Set(), anchorId: null };

/** Today's click: this row alone. */
export function single(id: string | null): Selection {
  return id === null ? NO_SELECTION : { selectedId: id, selectedIds: new Set([id]), anchorId: id };
}

/** Ctrl/cmd-click: the row in or out; when one row is left, the keyboard and the detail go to it. */
export function toggled(s: Selection, id: string): Selection {
  const ids = new Set(s.selectedIds);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  const selectedId = ids.size === 1 ? [...ids][0]! : id;
  return { selectedId, selectedIds: ids, anchorId: id };
}

/**
 * Shift-click or Shift+Arrow: the rows from the anchor to `index`, of those in
 * memory (the pages around the view; a range reaching past them takes what is
 * loaded). Without an anchor that is in memory, the row alone.
 */
export function ranged(s: Selection, pages: Pages, index: number): Selection {
  const target = rowAt(pages, index);
  if (!target) return s;
  const from = s.anchorId === null ? undefined : indexOfId(pages, s.anchorId);
  if (from === undefined) return single(target.id);
  const [lo, hi] = from <= index ? [from, index] : [index, from];
  const ids = new Set<string>();
  for (const [n, page] of pages) {
    page.rows.forEach((row, i) => {
      const at = offsetOf(n) + i;
      if (at >= lo && at <= hi) ids.add(row.id);
    });
  }
  return { selectedId: target.id, selectedIds: ids, anchorId: s.anchorId };
}

/** Whether the detail of one row should show: exactly one selected, the keyboard's row. */
export function soleSelected(s: Pick<Selection, 'selectedId' | 'selectedIds'>): string | null {
  return s.selectedIds.size === 1 && s.selectedId !== null && s.selectedIds.has(s.selectedId) ? s.selectedId : null;
}
