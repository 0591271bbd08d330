// Coalesces core events into one batch per frame (~16 ms) for every subscriber,
// so a flood of exchanges costs the UI one update per frame.
import type { CoreEvent, DeliverySummary, ExchangeSummary, PausedExchange, PauseOutcome, PausePhase, RuleAlert, SessionInfo, Status } from './api.js';

export class EventBatcher {
  private listeners = new Set<(events: CoreEvent[]) => void>();
  private added = new Map<string, ExchangeSummary>();
  private updated = new Map<string, ExchangeSummary>();
  private deliveries = new Map<string, DeliverySummary>();
  private matches = new Map<string, string[]>();
  private sessionList: SessionInfo[] | null = null;
  private alertList: RuleAlert[] = [];
  /** Pauses and their ends, in order: one exchange may end a pause and start another in the same batch. */
  private pauses: CoreEvent[] = [];
  private statusDirty = false;
  private cleared = false;
  private timer: NodeJS.Timeout | null = null;

  /** `currentStatus` is read once per batch, however often the status changed in it. */
  constructor(
    private readonly currentStatus: () => Status,
    private readonly intervalMs = 16,
  ) {}

  subscribe(listener: (events: CoreEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.discard();
    };
  }

  // With no subscriber (headless without the UI) events are dropped at once:
  // nobody will read them, and the proxy records thousands a second.

  /** Whether anyone subscribes: producers may skip building what would be dropped. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  exchangeAdded(s: ExchangeSummary): void {
    if (this.listeners.size === 0) return;
    this.added.set(s.id, s);
    this.schedule();
  }

  /** An exchange started in this batch and recorded in it too is in both lists. */
  exchangeUpdated(s: ExchangeSummary): void {
    if (this.listeners.size === 0) return;
    if (this.added.has(s.id)) this.added.set(s.id, s);
    this.updated.set(s.id, s);
    this.schedule();
  }

  /** Exchange `id`, recorded in this batch, is selected by the filter `filter` (null: it is not; the filter is still listed). */
  matched(filter: string, id: string | null): void {
    if (this.listeners.size === 0) return;
    let ids = this.matches.get(filter);
    if (!ids) this.matches.set(filter, (ids = []));
    if (id !== null) ids.push(id);
    this.schedule();
  }

  sessions(list: SessionInfo[]): void {
    if (this.listeners.size === 0) return;
    this.sessionList = list;
    this.schedule();
  }

  delivery(d: DeliverySummary): void {
    if (this.listeners.size === 0) return;
    this.deliveries.set(d.exchangeId, d);
    this.schedule();
  }

  alert(a: RuleAlert): void {
    if (this.listeners.size === 0) return;
    this.alertList.push(a);
    this.schedule();
  }

  paused(p: PausedExchange): void {
    if (this.listeners.size === 0) return;
    this.pauses.push({ type: 'paused', paused: p });
    this.schedule();
  }

  unpaused(id: string, phase: PausePhase, outcome: PauseOutcome): void {
    if (this.listeners.size === 0) return;
    this.pauses.push({ type: 'unpaused', id, phase, outcome });
    this.schedule();
  }

  statusChanged(): void {
    if (this.listeners.size === 0) return;
    this.statusDirty = true;
    this.schedule();
  }

  clearedAll(): void {
    if (this.listeners.size === 0) return;
    this.added.clear();
    this.updated.clear();
    this.cleared = true;
    this.schedule();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events: CoreEvent[] = [];
    if (this.cleared) events.push({ type: 'cleared' });
    if (this.added.size || this.updated.size) {
      const batch: CoreEvent = { type: 'exchanges', added: [...this.added.values()], updated: [...this.updated.values()] };
      if (this.matches.size) batch.matches = Object.fromEntries(this.matches);
      events.push(batch);
    }
    if (this.sessionList) events.push({ type: 'sessions', sessions: this.sessionList });
    if (this.deliveries.size) events.push({ type: 'deliveries', records: [...this.deliveries.values()] });
    if (this.statusDirty) events.push({ type: 'status', status: this.currentStatus() });
    if (this.alertList.length) events.push({ type: 'alerts', alerts: this.alertList });
    events.push(...this.pauses);
    this.alertList = [];
    this.pauses = [];
    this.added = new Map();
    this.updated = new Map();
    this.deliveries = new Map();
    this.matches = new Map();
    this.sessionList = null;
    this.statusDirty = false;
    this.cleared = false;
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        /* one broken subscriber must not starve the others */
      }
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  private discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.added.clear();
    this.updated.clear();
    this.deliveries.clear();
    this.matches.clear();
    this.sessionList = null;
    this.alertList = [];
    this.pauses = [];
    this.statusDirty = false;
    this.cleared = false;
  }
}
