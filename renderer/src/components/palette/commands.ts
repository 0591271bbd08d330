// Every action the command palette offers, as plain data: a name, the group it
// is listed under, whether it can run now, and what it does. The buttons in
// the views call the same functions, so the palette never does something the
// UI cannot.
import { flushSync } from 'react-dom';
import { core } from '../../core';
import { useTraffic } from '../../stores/trafficStore';
import { nextTheme, useUiPrefs } from '../../stores/uiPrefs';
import { TABS, useView, type Tab } from '../../stores/viewStore';
import { focusFilter } from '../keyboard';
import { exportShownHar, startNewSession } from '../trafficActions';

export interface PaletteCommand {
  id: string;
  name: string;
  group: 'Traffic' | 'Go to' | 'Appearance';
  /** Other words it is found by. */
  keywords?: string[];
  /** Why it cannot run now; undefined when it can. */
  unavailable?(): string | undefined;
  run(): void | Promise<void>;
}

const view = () => useView.getState();
const goTo = (tab: Tab) => flushSync(() => view().setTab(tab));
const note = (text: string) => view().setNotice(text);

export const COMMANDS: readonly PaletteCommand[] = [
  { id: 'new-session', name: 'New session', group: 'Traffic', keywords: ['start', 'fresh'], run: () => (goTo('Traffic'), startNewSession()) },
  {
    id: 'clear',
    name: 'Clear traffic',
    group: 'Traffic',
    keywords: ['delete', 'empty'],
    unavailable: () => (useTraffic.getState().query.session === 'current' ? undefined : 'only the current session can be cleared'),
    run: async () => {
      goTo('Traffic');
      await core().invoke('clearTraffic');
    },
  },
  { id: 'export-har', name: 'Export HAR', group: 'Traffic', keywords: ['download', 'save'], run: async () => (goTo('Traffic'), note(await exportShownHar())) },
  {
    id: 'import-har',
    name: 'Import HAR',
    group: 'Traffic',
    keywords: ['open', 'load', 'file'],
    // The palette's Enter counts as the user's gesture, so the file picker may open.
    run: () => {
      goTo('Sessions');
      document.querySelector<HTMLInputElement>('.import-har input[type="file"]')?.click();
    },
  },
  {
    id: 'open-browser',
    name: 'Open browser',
    group: 'Traffic',
    keywords: ['chromium', 'firefox', 'launch'],
    run: async () => {
      goTo('Traffic');
      const r = await core().invoke('openBrowser', {});
      note(r.ok ? `Opened ${r.browser}: browse, and its traffic shows up here.` : r.error);
    },
  },
  {
    id: 'compare',
    name: 'Compare the two selected exchanges',
    group: 'Traffic',
    keywords: ['diff'],
    unavailable: () => (useTraffic.getState().selectedIds.size === 2 ? undefined : 'select exactly two exchanges first'),
    run: () => {
      goTo('Traffic');
      view().setComparing([...useTraffic.getState().selectedIds] as [string, string]);
    },
  },
  { id: 'filter', name: 'Filter the traffic', group: 'Traffic', keywords: ['search', 'find'], run: () => (goTo('Traffic'), focusFilter()) },
  ...TABS.map((tab): PaletteCommand => ({ id: `go-${tab}`, name: tab === 'CA certificate' ? 'CA certificate' : tab, group: 'Go to', keywords: ['view', 'tab'], run: () => goTo(tab) })),
  {
    id: 'split',
    name: 'Toggle side by side / stacked',
    group: 'Appearance',
    keywords: ['layout', 'split'],
    run: () => useUiPrefs.getState().setSplit(useUiPrefs.getState().split === 'side' ? 'stacked' : 'side'),
  },
  { id: 'theme', name: 'Next theme (system, light, dark)', group: 'Appearance', keywords: ['dark mode', 'light mode', 'colour'], run: () => useUiPrefs.getState().setTheme(nextTheme(useUiPrefs.getState().theme)) },
];
