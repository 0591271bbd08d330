import { useUiPrefs, nextTheme, type Theme } from '../stores/uiPrefs';
import { TABS, useView } from '../stores/viewStore';
import { AlertToasts } from './AlertToasts';
import { CaView } from './CaView';
import { DeliveriesView } from './DeliveriesView';
import { CommandPalette } from './palette/CommandPalette';
import { RulesView } from './rules/RulesView';
import { SessionsView } from './SessionsView';
import { CollectorPanel } from './CollectorPanel';
import { SettingsForm } from './SettingsForm';
import { StatusBar } from './StatusBar';
import { TrafficView } from './TrafficView';

const THEME_NAMES: Record<Theme, string> = { system: 'as the system', light: 'light', dark: 'dark' };

function ThemeToggle() {
  const theme = useUiPrefs((s) => s.theme);
  return (
    <button type="button" className="topbar-button" title={`Next: ${THEME_NAMES[nextTheme(theme)]}`} onClick={() => useUiPrefs.getState().setTheme(nextTheme(theme))}>
      Theme: {THEME_NAMES[theme]}
    </button>
  );
}

export function App() {
  const tab = useView((s) => s.tab);
  const setTab = useView((s) => s.setTab);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Proxyscope</h1>
        <nav role="tablist" aria-label="Views">
          {TABS.map((t) => (
            <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
              {t}
            </button>
          ))}
        </nav>
        <span className="topbar-end">
          <button type="button" className="topbar-button" aria-keyshortcuts="Control+K Meta+K" onClick={() => useView.getState().setPaletteOpen(true)}>
            Commands <kbd>Ctrl K</kbd>
          </button>
          <ThemeToggle />
        </span>
      </header>
      <main className="content" role="tabpanel" aria-label={tab}>
        {tab === 'Traffic' && <TrafficView />}
        {tab === 'Sessions' && <SessionsView onOpen={() => setTab('Traffic')} />}
        {tab === 'Rules' && <RulesView />}
        {tab === 'Sent to Runscope' && <DeliveriesView />}
        {tab === 'Settings' && (
          <>
            <SettingsForm />
            <CollectorPanel />
          </>
        )}
        {tab === 'CA certificate' && <CaView />}
      </main>
      <CommandPalette />
      <AlertToasts />
      <StatusBar />
    </div>
  );
}
