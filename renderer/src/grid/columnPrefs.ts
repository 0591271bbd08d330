// Which grid columns show, in what order: the user's choice, kept in
// localStorage so it survives reloads. What is read back is checked: unknown
// ids are dropped and columns added since are appended, hidden.
import { create } from 'zustand';
import type { SortColumn } from '../../../electron/core/api';
import { browserStorage, readStoredJson, writeStoredJson, type KeyValue } from '../stores/storedJson';
import { COLUMNS, DEFAULT_HIDDEN, DEFAULT_ORDER, isColumnId } from './columns';

export const PREFS_KEY = 'proxyscope.columns';

export interface ColumnPrefs {
  order: SortColumn[];
  hidden: SortColumn[];
}

export const DEFAULT_PREFS: ColumnPrefs = { order: [...DEFAULT_ORDER], hidden: [...DEFAULT_HIDDEN] };

export function readPrefs(storage: KeyValue | undefined): ColumnPrefs {
  const raw = readStoredJson(storage, PREFS_KEY);
  if (!raw || typeof raw !== 'object') return DEFAULT_PREFS;
  const { order, hidden } = raw as { order?: unknown; hidden?: unknown };
  const ids = (v: unknown) => [...new Set(Array.isArray(v) ? v.filter(isColumnId) : [])];
  const known = ids(order);
  const added = COLUMNS.map((c) => c.id).filter((id) => !known.includes(id));
  const hiddenIds = ids(hidden).concat(added);
  const prefs = { order: known.concat(added), hidden: hiddenIds };
  return visible(prefs).length > 0 ? prefs : DEFAULT_PREFS;
}

export function writePrefs(storage: KeyValue | undefined, prefs: ColumnPrefs): void {
  writeStoredJson(storage, PREFS_KEY, prefs);
}

export const visible = (p: ColumnPrefs): SortColumn[] => p.order.filter((id) => !p.hidden.includes(id));

/** Shows or hides a column; the last visible one stays. */
export function toggled(p: ColumnPrefs, id: SortColumn): ColumnPrefs {
  if (p.hidden.includes(id)) return { ...p, hidden: p.hidden.filter((h) => h !== id) };
  if (visible(p).length <= 1) return p;
  return { ...p, hidden: [...p.hidden, id] };
}

/** Moves a column one place up (-1) or down (+1) in the order. */
export function moved(p: ColumnPrefs, id: SortColumn, by: -1 | 1): ColumnPrefs {
  const at = p.order.indexOf(id);
  const to = at + by;
  if (at < 0 || to < 0 || to >= p.order.length) return p;
  const order = p.order.slice();
  [order[at], order[to]] = [order[to]!, order[at]!];
  return { ...p, order };
}


export interface ColumnStore {
  prefs: ColumnPrefs;
  toggle(id: SortColumn): void;
  move(id: SortColumn, by: -1 | 1): void;
  reset(): void;
}

export const useColumns = create<ColumnStore>()((set, get) => {
  const save = (prefs: ColumnPrefs) => {
    writePrefs(browserStorage(), prefs);
    set({ prefs });
  };
  return {
    prefs: readPrefs(browserStorage()),
    toggle: (id) => save(toggled(get().prefs, id)),
    move: (id, by) => save(moved(get().prefs, id, by)),
    reset: () => save(DEFAULT_PREFS),
  };
});
