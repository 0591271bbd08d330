// Drains the outbox into the collector in the background. A transient failure
// holds back the whole queue (one probe per backoff step) rather than letting
// every queued message retry on its own timer.
import type { DeliverySummary } from '../api.js';
import { forwardingEnabled, type RunscopeSettings } from '../settings/schema.js';
import type { RunscopeClient } from './client.js';
import type { DueMessage, Outbox, Outcome } from './outbox.js';

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 10_000;
/** While user traffic keeps the proxy busy: one attempt at a time, one every 50 ms at most. */
export const TRICKLE_INTERVAL_MS = 50;

export function backoffMs(failures: number, random = Math.random()): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(ceiling * (0.5 + random * 0.5));
}

export interface ForwarderOptions {
  outbox: Outbox;
  client: RunscopeClient;
  settings: () => RunscopeSettings;
  onDelivery: (summary: DeliverySummary) => void;
  onStatusChange: () => void;
  maxInFlight?: number;
  /** True while user traffic keeps the process busy (see LoadGauge): delivery trickles. */
  busy?: () => boolean;
  /** Queue depth from which delivery goes at full speed even while busy, so the outbox does not fill. */
  catchUpDepth?: number;
}

export class Forwarder {
  private readonly inFlight = new Map<number, Promise<void>>();
  private consecutiveFailures = 0;
  private holdUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private nextTrickleAt = 0;
  private stopped = false;
  /** "access token rejected (HTTP 401)" while paused; cleared by a settings change. */
  pausedReason: string | null = null;
  lastError: string | null = null;

  constructor(private readonly opts: ForwarderOptions) {}

  kick(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  settingsChanged(): void {
    this.pausedReason = null;
    this.consecutiveFailures = 0;
    this.holdUntil = 0;
    this.opts.onStatusChange();
    this.kick();
  }

  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const settle = Promise.allSettled([...this.inFlight.values()]);
    await Promise.race([settle, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private pump(): void {
    if (this.stopped || this.pausedReason) return;
    const settings = this.opts.settings();
    if (!forwardingEnabled(settings)) return;
    const now = Date.now();
    if (now < this.holdUntil) return this.wakeAt(this.holdUntil);
    const trickle = this.opts.busy?.() === true && this.opts.outbox.depth < (this.opts.catchUpDepth ?? Infinity);
    if (trickle && now < this.nextTrickleAt) return this.wakeAt(this.nextTrickleAt);
    const max = this.consecutiveFailures > 0 || trickle ? 1 : (this.opts.maxInFlight ?? 16);
    const free = max - this.inFlight.size;
    if (free <= 0) return;
    const ids = new Set(this.inFlight.keys());
    const due = this.opts.outbox.due(now, free, ids);
    if (trickle && due.length > 0) this.nextTrickleAt = now + TRICKLE_INTERVAL_MS;
    for (const msg of due) {
      const attempt = this.opts.client
        .send(msg.body, settings)
        .then((result) => this.settle(msg, result))
        .catch(() => undefined)
        .finally(() => {
          this.inFlight.delete(msg.id);
          this.kick();
        });
      this.inFlight.set(msg.id, attempt);
    }
    if (due.length === 0 && this.inFlight.size === 0) {
      const next = this.opts.outbox.nextAttemptAt();
      if (next !== null) this.wakeAt(next);
    }
  }

  private async settle(msg: DueMessage, result: Awaited<ReturnType<RunscopeClient['send']>>): Promise<void> {
    const now = Date.now();
    let outcome: Outcome;
    if (result.kind === 'sent') {
      this.consecutiveFailures = 0;
      outcome = result;
    } else if (result.kind === 'invalid') {
      outcome = { kind: 'failed', error: result.error, httpStatus: result.httpStatus };
    } else if (result.kind === 'auth') {
      this.pausedReason = 'access token rejected';
      outcome = { kind: 'retry', error: result.error, httpStatus: result.httpStatus, nextAttemptAt: now };
    } else {
      this.consecutiveFailures++;
      this.holdUntil = now + backoffMs(this.consecutiveFailures);
      outcome = { kind: 'retry', error: result.error, httpStatus: result.httpStatus, nextAttemptAt: now + backoffMs(msg.attempts + 1) };
    }
    // The status bar shows the last error until a delivery succeeds again.
    const nextError = result.kind === 'sent' ? null : result.error;
    const changedStatus = this.lastError !== nextError;
    this.lastError = nextError;
    const summary = await this.opts.outbox.record(msg, outcome, now);
    if (summary) this.opts.onDelivery(summary);
    if (changedStatus || result.kind === 'auth') this.opts.onStatusChange();
  }

  private wakeAt(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, Math.max(0, at - Date.now()) + 5);
    this.timer.unref();
  }
}
