// The one connection to the core, chosen at start-up, plus wiring of its events into the stores.
import type { SessionInfo } from '../../electron/core/api';
import { useAlerts } from './stores/alertStore';
import { useDeliveries } from './stores/deliveryStore';
import { answersAfterEvents, createEventPump } from './stores/eventPump';
import { usePaused } from './stores/pausedStore';
import { RuleCounts } from './stores/ruleCounts';
import { currentSession, useSessions } from './stores/sessionStore';
import { useInFlight } from './stores/inFlightStore';
import { useStatus } from './stores/statusStore';
import { throttle } from './stores/throttle';
import { TrafficPager } from './stores/trafficPager';
import { useTraffic } from './stores/trafficStore';
import { useSettings } from './stores/settingsStore';
import type { Transport } from './transport';

let current: Transport | null = null;
let pager: TrafficPager | null = null;
let counts: RuleCounts | null = null;

export function core(): Transport {
  if (!current) throw new Error('core transport not started');
  return current;
}

/** The traffic grid's pager (queries, pages, live counts). */
export function traffic(): TrafficPager {
  if (!pager) throw new Error('core transport not started');
  return pager;
}

/** The Rules view's live match counts. */
export function ruleCounts(): RuleCounts {
  if (!counts) throw new Error('core transport not started');
  return counts;
}

/**
 * The sessions list changed: a new current session (the grid viewing "current"
 * now shows another result), a deletion (of the one viewed, maybe), a rename or
 * an eviction (the result shrank under the grid).
 */
function sessionsChanged(p: TrafficPager, sessions: SessionInfo[], invalidateSoon: () => void): void {
  const before = currentSession(useSessions.getState().sessions)?.id;
  useSessions.getState().load(sessions);
  const viewed = useTraffic.getState().query.session;
  if (viewed !== 'current' && !sessions.some((s) => s.id === viewed)) p.setQuery({ session: 'current' });
  else if (viewed === 'current' && currentSession(sessions)?.id !== before) p.refresh();
  else invalidateSoon();
}

export async function connect(raw: Transport): Promise<void> {
  // Pager and rule counts are made below; the sinks only run once events come.
  const pump = createEventPump({
    exchanges: (event) => {
      p.onExchanges(event);
      useInFlight.getState().apply(event.updated);
      // Only recorded exchanges are in the store a count reads (a pending one in `updated` is still streaming).
      if (event.updated.some((r) => r.state !== 'pending')) c.onTraffic();
    },
    deliveries: (records) => useDeliveries.getState().apply(records),
    status: (status) => useStatus.getState().setStatus(status),
    sessions: (sessions) => {
      sessionsChanged(p, sessions, invalidateSoon);
      c.onTraffic();
    },
    cleared: () => {
      useInFlight.getState().clear();
      p.refresh();
      c.onTraffic();
    },
    alerts: (alerts) => useAlerts.getState().push(alerts),
    pauses: (events) => usePaused.getState().apply(events),
  });
  const transport = answersAfterEvents(raw, pump.drain);
  current = transport;
  const p = new TrafficPager(transport.invoke, useTraffic, { currentSession: () => currentSession(useSessions.getState().sessions)?.id ?? null });
  pager = p;
  const c = new RuleCounts(transport.invoke);
  counts = c;
  const invalidateSoon = throttle(() => p.invalidate(), 500);
  transport.onEvents(pump);
  transport.onConnection((connected) => {
    useStatus.getState().setConnected(connected);
    if (connected) {
      void loadAll(transport, p);
      c.onTraffic();
    }
  });
}

async function loadAll(t: Transport, p: TrafficPager): Promise<void> {
  // Taken as soon as it answers: a pause that comes after the answer arrives as an event, and would be lost
  // under a snapshot applied later (when the other answers are in).
  const paused = t.invoke('listPaused').then((list) => usePaused.getState().load(list));
  // The same for streams already open: their updates went out before this UI listened.
  const open = t.invoke('listOpen').then((rows) => useInFlight.getState().apply(rows));
  const [status, settings, sessions, deliveries] = await Promise.all([
    t.invoke('getStatus'),
    t.invoke('getSettings'),
    t.invoke('listSessions'),
    t.invoke('listDeliveries', { limit: 10_000 }),
    paused,
    open,
  ]);
  useStatus.getState().setStatus(status);
  useSettings.getState().setSaved(settings);
  useSessions.getState().load(sessions);
  useDeliveries.getState().load(deliveries);
  p.refresh();
}
