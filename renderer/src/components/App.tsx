import { useState } from 'react';
import { AlertToasts } from './AlertToasts';
import { CaView } from './CaView';
import { DeliveriesView } from './DeliveriesView';
import { RulesView } from './rules/RulesView';
import { SessionsView } from './SessionsView';
import { CollectorPanel } from './CollectorPanel';
import { SettingsForm } from './SettingsForm';
import { StatusBar } from './StatusBar';
import { TrafficView } from './TrafficView';

const TABS = ['Traffic', 'Sessions', 'Rules', 'Sent to Runscope', 'Settings', 'CA certificate'] as const;
type Tab = (typeof TABS)[number];

export function App() {
  const [tab, setTab] = useState<Tab>('Traffic');
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
      <AlertToasts />
      <StatusBar />
    </div>
  );
}
