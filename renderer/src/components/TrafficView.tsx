import { core, traffic } from '../core';
import { sessionNamed, useSessions } from '../stores/sessionStore';
import { soleSelected } from '../stores/selection';
import { useTraffic } from '../stores/trafficStore';
import { ColumnsMenu } from './ColumnsMenu';
import { CompareView } from './CompareView';
import { ExchangeDetailView } from './ExchangeDetailView';
import { FilterBox } from './FilterBox';
import { InFlightPanel } from './InFlightPanel';
import { Onboarding } from './onboarding/Onboarding';
import { useInFlight } from '../stores/inFlightStore';
import { useFilterShortcut } from './keyboard';
import { PausedPanel } from './PausedPanel';
import { SelectionBar } from './SelectionBar';
import { SendToRunscope } from './SendToRunscope';
import { TrafficGrid } from './TrafficGrid';
import { exportShownHar, startNewSession } from './trafficActions';
import { SplitToggle, TrafficSplit } from './layout/TrafficSplit';
import { useView } from '../stores/viewStore';

const n = (v: number) => v.toLocaleString('en');

function Count() {
  const counts = useTraffic((s) => s.counts);
  return (
    <span className="count" aria-label="Exchanges shown" aria-live="polite">
      {counts ? `${n(counts.matched)}${counts.atLeast ? '+' : ''} of ${n(counts.total)}${counts.atLeast ? ', counting…' : ''}` : 'counting…'}
    </span>
  );
}

/** Shown while a past session is open in the grid. */
function SessionBanner() {
  const viewed = useTraffic((s) => s.query.session);
  const name = useSessions((s) => (viewed === 'current' ? null : (sessionNamed(s.sessions, viewed)?.name ?? `session ${viewed}`)));
  if (viewed === 'current') return null;
  return (
    <div className="banner" role="note" aria-label="Viewed session">
      Viewing <strong>{name}</strong> ·{' '}
      <button type="button" className="link" onClick={() => traffic().setQuery({ session: 'current' })}>
        Back to current
      </button>
    </div>
  );
}

export function TrafficView() {
  const selectedId = useTraffic(soleSelected);
  const selectedIds = useTraffic((s) => s.selectedIds);
  // The compare view stays while those two are what is selected.
  const comparing = useView((s) => s.comparing);
  const setComparing = useView((s) => s.setComparing);
  const compared = comparing !== null && selectedIds.size === 2 && comparing.every((id) => selectedIds.has(id)) ? comparing : null;
  const session = useTraffic((s) => s.query.session);
  const filter = useTraffic((s) => s.query.filter);
  const note = useView((s) => s.notice);
  const setNote = useView((s) => s.setNotice);
  // Nothing captured yet in the current session, nothing open: say how to start.
  const nothingStored = useTraffic((s) => s.counts?.total === 0 && s.query.session === 'current' && s.query.filter === '');
  const nothingOpen = useInFlight((s) => s.rows.length === 0);
  const empty = nothingStored && nothingOpen;
  useFilterShortcut();

  const exportHar = async () => setNote(await exportShownHar());

  return (
    <div className="traffic">
      <SessionBanner />
      <PausedPanel />
      <InFlightPanel />
      <div className="toolbar">
        <FilterBox />
        <Count />
        <ColumnsMenu />
        <SplitToggle />
        <button type="button" onClick={() => void exportHar()}>
          Export HAR
        </button>
        <SendToRunscope session={session} filter={filter} label={filter ? 'the filtered exchanges' : 'this session'} />
        <button type="button" onClick={() => void startNewSession()}>
          New session
        </button>
        {session === 'current' && (
          <button type="button" onClick={() => void core().invoke('clearTraffic')}>
            Clear
          </button>
        )}
        {note && (
          <span role="status" className="muted">
            {note}
          </span>
        )}
      </div>
      <SelectionBar onCompare={setComparing} />
      <TrafficSplit
        list={
          <>
            {empty && <Onboarding />}
            <TrafficGrid />
          </>
        }
        detail={compared ? <CompareView key={compared.join(' ')} ids={compared} onClose={() => setComparing(null)} /> : selectedId ? <ExchangeDetailView key={selectedId} id={selectedId} /> : null}
      />
    </div>
  );
}
