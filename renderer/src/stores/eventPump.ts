// Core events arrive in batches; the UI applies everything that arrived during
// a frame in one update per store, on the next animation frame, or sooner when
// an answer from the core arrives after them (answersAfterEvents).
import type { CommandName, CoreEvent, DeliverySummary, ExchangeSummary, RuleAlert, SessionInfo, Status } from '../../../electron/core/api';
import type { LiveEvent } from './liveCount';
import type { PauseEvent } from './pausedStore';
import type { Transport } from '../transport';

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
  const push = (events: CoreEvent[]) => {
    queue.push(...events);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
  /** Applies what is queued now instead of on the next frame (the frame's callback then finds nothing). */
  const drain = () => {
    if (queue.length > 0) flush();
  };
  return Object.assign(push, { drain });
}

/**
 * The transport with each answer handed over only after the events that came before it were applied. The core
 * sends the events due before an answer, but the pump holds events for a frame while an answer resolves at once:
 * without this, a count that already includes an exchange would be applied first, and the exchange's event
 * then counted again.
 */
export function answersAfterEvents(transport: Transport, drain: () => void): Transport {
  return {
    ...transport,
    invoke: (async (command: CommandName, arg?: never) => {
      const result = await transport.invoke(command, arg);
      drain();
      return result;
    }) as Transport['invoke'],
  };
}
