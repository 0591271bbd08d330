// Core events arrive in batches; the UI applies everything that arrived during
// a frame in one update per store, on the next animation frame.
import type { CoreEvent, DeliverySummary, ExchangeSummary, RuleAlert, SessionInfo, Status } from '../../../electron/core/api';
import type { LiveEvent } from './liveCount';
import type { PauseEvent } from './pausedStore';

export interface EventSinks {
  exchanges(event: LiveEvent): void;
  deliveries(records: DeliverySummary[]): void;
  status(status: Status): void;
  sessions(sessions: SessionInfo[]): void;
  /** Pauses and their ends, in the order they came. */
  pauses(events: PauseEvent[]): void;
  cleared(): void;
  alerts(alerts: RuleAlert[]): void;
}

type Matches = Record<string, string[]>;

/**
 * The matches of several events as one: a filter's ids are only complete when
 * every event listed it, so a filter some event left out is left out.
 */
export function mergeMatches(all: Array<Matches | undefined>): Matches | undefined {
  if (all.length === 1) return all[0];
  if (all.length === 0 || all.some((m) => m === undefined)) return undefined;
  const [first, ...rest] = all as Matches[];
  const out: Matches = {};
  for (const key of Object.keys(first!)) {
    if (rest.every((m) => Object.hasOwn(m, key))) out[key] = [first![key]!, ...rest.map((m) => m[key]!)].flat();
  }
  return out;
}

export function createEventPump(sinks: EventSinks, schedule: (cb: () => void) => void = (cb) => requestAnimationFrame(cb)) {
  let queue: CoreEvent[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const events = queue;
    queue = [];
    let added: ExchangeSummary[] = [];
    let updated: ExchangeSummary[] = [];
    let matches: Array<Matches | undefined> = [];
    const deliveries: DeliverySummary[] = [];
    // Not traffic: a cleared event in the same frame does not take them away.
    const alerts: RuleAlert[] = [];
    let status: Status | null = null;
    let sessions: SessionInfo[] | null = null;
    const pauses: PauseEvent[] = [];
    for (const e of events) {
      if (e.type === 'cleared') {
        sinks.cleared();
        added = [];
        updated = [];
        matches = [];
      } else if (e.type === 'exchanges') {
        added = added.concat(e.added);
        updated = updated.concat(e.updated);
        matches.push(e.matches);
      } else if (e.type === 'deliveries') deliveries.push(...e.records);
      else if (e.type === 'status') status = e.status;
      else if (e.type === 'sessions') sessions = e.sessions;
      else if (e.type === 'paused' || e.type === 'unpaused') pauses.push(e);
      else if (e.type === 'alerts') alerts.push(...e.alerts);
    }
    if (added.length || updated.length) sinks.exchanges({ added, updated, matches: mergeMatches(matches) });
    if (deliveries.length) sinks.deliveries(deliveries);
    if (status) sinks.status(status);
    if (sessions) sinks.sessions(sessions);
    if (pauses.length) sinks.pauses(pauses);
    if (alerts.length) sinks.alerts(alerts);
  };
  return (events: CoreEvent[]) => {
    queue.push(...events);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
}
