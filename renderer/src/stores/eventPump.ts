// Core events arrive in batches; the UI applies everything that arrived during
// a frame in one update per store, on the next animation frame.
import type { CoreEvent, DeliverySummary, ExchangeSummary, Status } from '../../../electron/core/api';

export interface EventSinks {
  exchanges(added: ExchangeSummary[], updated: ExchangeSummary[]): void;
  deliveries(records: DeliverySummary[]): void;
  status(status: Status): void;
  cleared(): void;
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
    const deliveries: DeliverySummary[] = [];
    let status: Status | null = null;
    for (const e of events) {
      if (e.type === 'cleared') {
        sinks.cleared();
        added = [];
        updated = [];
      } else if (e.type === 'exchanges') {
        added = added.concat(e.added);
        updated = updated.concat(e.updated);
      } else if (e.type === 'deliveries') deliveries.push(...e.records);
      else if (e.type === 'status') status = e.status;
    }
    sinks.exchanges(added, updated);
    if (deliveries.length) sinks.deliveries(deliveries);
    if (status) sinks.status(status);
  };
  return (events: CoreEvent[]) => {
    queue.push(...events);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
}
