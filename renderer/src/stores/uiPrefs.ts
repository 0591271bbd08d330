// How the window is laid out and coloured: the user's choice, kept in
// localStorage like the columns. What is read back is checked; anything else
// falls back to the default.
import { create } from 'zustand';
import { browserStorage, readStoredJson, writeStoredJson, type KeyValue } from './storedJson';

export type Theme = 'system' | 'light' | 'dark';
export type Split = 'side' | 'stacked';

export const UI_PREFS_KEY = 'proxyscope.ui';
const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const SPLITS: readonly Split[] = ['side', 'stacked'];

export interface UiPrefs {
  theme: Theme;
  split: Split;
}

export const DEFAULT_UI: UiPrefs = { theme: 'system', split: 'stacked' };

export function readUiPrefs(storage: KeyValue | undefined): UiPrefs {
  const raw = readStoredJson(storage, UI_PREFS_KEY);
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    theme: THEMES.includes(o.theme as Theme) ? (o.theme as Theme) : DEFAULT_UI.theme,
    split: SPLITS.includes(o.split as Split) ? (o.split as Split) : DEFAULT_UI.split,
  };
}

/** The next theme a toggle press gives: system → light → dark → system. */
export const nextTheme = (t: Theme): Theme => THEMES[(THEMES.indexOf(t) + 1) % THEMES.length]!;

/** Puts the theme on the document: no attribute follows the OS (styles.css's media query). */
export function applyTheme(theme: Theme, root: HTMLElement | undefined = typeof document === 'undefined' ? undefined : document.documentElement): void {
  if (!root) return;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export interface UiPrefsStore extends UiPrefs {
  setTheme(theme: Theme): void;
  setSplit(split: Split): void;
}

export const useUiPrefs = create<UiPrefsStore>()((set, get) => {
  const save = (patch: Partial<UiPrefs>) => {
    const prefs = { theme: get().theme, split: get().split, ...patch };
    writeStoredJson(browserStorage(), UI_PREFS_KEY, prefs);
    applyTheme(prefs.theme);
    set(prefs);
  };
  const initial = readUiPrefs(browserStorage());
  applyTheme(initial.theme);
  return { ...initial, setTheme: (theme) => save({ theme }), setSplit: (split) => save({ split }) };
});
