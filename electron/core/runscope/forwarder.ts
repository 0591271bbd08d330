// Drains the outbox into the collector in the background, several messages per
// POST when several are due for the same bucket, and holds back while user
// traffic keeps the proxy busy (up to the catch-up depth). A transient failure
// holds back the whole queue (one probe per backoff step) rather than letting
// every queued message retry on its own timer: every bucket is on the same
// collector. A 401 or 403 pauses them all too, as the token is the same.
import type { DeliverySummary } from '../api.js';
import { forwardingEnabled, parseBucketKey, type RunscopeSettings } from '../settings/schema.js';
import type { AttemptResult, RunscopeClient } from './client.js';
import type { DueMessage, Outbox, Outcome } from './outbox.js';

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 10_000;

export function backoffMs(failures: number, random = Math.random()): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(ceiling * (0.5 + random * 0.5));
}

/** Most messages in one POST (as a JSON array; Runscope answers one result per message, in order). */
export const BATCH_MAX_MESSAGES = 50;
/** A batch stops growing at this many characters of message JSON (~bytes: mostly ASCII); a bigger message goes alone. */
export const BATCH_MAX_CHARS = 2 ** 20;

export interface ForwarderOptions {
  outbox: Outbox;
  client: RunscopeClient;
  settings: () => RunscopeSettings;
  onDelivery: (summary: DeliverySummary) => void;
  onStatusChange: () => void;
  log?: (line: string) => void;
  /** Most POSTs open at once. */
  maxInFlight?: number;
  /**
   * True while user traffic keeps the process busy (see LoadGauge): delivery holds
   * back, and the owner calls kick() once it is not.
   */
  busy?: () => boolean;
  /** Queue depth from which delivery goes at full speed even while busy, so the outbox does not fill. */
  catchUpDepth?: number;
  /** The message text to send for what the outbox holds (default: as held). */
  render?: (stored: string) => string;
}

/** Consecutive messages, in order, cut where a POST would exceed the bounds. */
export function batchesOf(messages: DueMessage[], perPost: number, maxPosts: number): DueMessage[][] {
  const batches: DueMessage[][] = [];
  let current: DueMessage[] = [];
  let chars = 0;
  for (const m of messages) {
    if (current.length > 0 && (current.length >= perPost || chars + m.body.length > BATCH_MAX_CHARS)) {
      batches.push(current);
      if (batches.length >= maxPosts) return batches;
      current = [];
      chars = 0;
    }
    current.push(m);
    chars += m.body.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The due messages by the bucket each goes to (its own, or `defaultBucket`),
 * each group in order and the groups in the order of their oldest message;
 * a message whose own bucket is not a valid key is set apart with the reason.
 */
export function byBucket(due: DueMessage[], defaultBucket: string): { groups: Map<string, DueMessage[]>; refused: Array<[DueMessage, string]> } {
  const groups = new Map<string, DueMessage[]>();
  const refused: Array<[DueMessage, string]> = [];
  const keys = new Map<string, ReturnType<typeof parseBucketKey>>();
  for (const m of due) {
    let bucket = defaultBucket;
    if (m.bucket !== null) {
      let key = keys.get(m.bucket);
      if (!key) keys.set(m.bucket, (key = parseBucketKey(m.bucket)));
      if (!key.ok) {
        refused.push([m, `not sent: ${key.error} (${JSON.stringify(m.bucket.slice(0, 60))})`]);
        continue;
      }
      bucket = key.bucket;
    }
    const group = groups.get(bucket);
    if (group) group.push(m);
    else groups.set(bucket, [m]);
  }
  return { groups, refused };
}

export class Forwarder {
  /** Ids of the messages in the POSTs that are open. */
  private readonly inFlight = new Set<number>();
  private readonly posts = new Set<Promise<void>>();
  private consecutiveFailures = 0;
  private holdUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private stopped = false;
  /** Set once the collector refused a list of messages: one message per POST until settings change. */
  private unbatched = false;
  /** "access token rejected (HTTP 401)" while paused; cleared by a settings change. */
  pausedReason: string | null = null;
  lastError: string | null = null;

  constructor(private readonly opts: ForwarderOptions) {}

  /** POSTs open now. */
  get openPosts(): number {
    return this.posts.size;
  }

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
    this.unbatched = false;
    this.opts.onStatusChange();
    this.kick();
  }

  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const settle = Promise.allSettled([...this.posts]);
    await Promise.race([settle, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private pump(): void {
    if (this.stopped || this.pausedReason) return;
    const settings = this.opts.settings();
    // Without a default bucket (forwarding off), messages with a bucket of their own (a replay's) still go.
    if (settings.access_token === '') return;
    const ownBucket = !forwardingEnabled(settings);
    const now = Date.now();
    if (now < this.holdUntil) return this.wakeAt(this.holdUntil);
    if (this.opts.busy?.() === true && this.opts.outbox.depth < (this.opts.catchUpDepth ?? Infinity)) return;
    // After a failure one message probes the collector; the rest wait for it.
    const probing = this.consecutiveFailures > 0;
    const maxPosts = probing ? 1 : (this.opts.maxInFlight ?? 16);
    const free = maxPosts - this.posts.size;
    if (free <= 0) return;
    const perPost = probing || this.unbatched ? 1 : BATCH_MAX_MESSAGES;
    const due = this.opts.outbox.due(now, free * perPost, this.inFlight, ownBucket);
    // One POST goes to one bucket: each bucket's messages are batched apart,
    // and one whose bucket is not valid fails alone.
    const { groups, refused } = byBucket(due, settings.bucket);
    for (const [m, error] of refused) this.fail(m, error, now);
    for (const [bucket, messages] of groups) {
      const batches = batchesOf(this.rendered(messages, now), perPost, maxPosts - this.posts.size);
      for (const batch of batches) this.start(batch, bucket, settings);
      if (this.posts.size >= maxPosts) break;
    }
    if (due.length === 0 && this.posts.size === 0) {
      const next = this.opts.outbox.nextAttemptAt(ownBucket);
      if (next !== null) this.wakeAt(next);
    }
  }

  private start(batch: DueMessage[], bucket: string, settings: RunscopeSettings): void {
    for (const m of batch) this.inFlight.add(m.id);
    const post: Promise<void> = this.attempt(batch, bucket, settings)
      .catch(() => undefined)
      .finally(() => {
        for (const m of batch) this.inFlight.delete(m.id);
        this.posts.delete(post);
        this.kick();
      });
    this.posts.add(post);
  }

  private async attempt(batch: DueMessage[], bucket: string, settings: RunscopeSettings): Promise<void> {
    if (batch.length === 1) return this.settle(batch, bucket, [await this.opts.client.send(batch[0]!.body, settings, bucket)]);
    const reply = await this.opts.client.sendBatch(batch.map((m) => m.body), settings, bucket);
    if (reply.kind === 'results') return this.settle(batch, bucket, reply.results);
    // Nothing recorded: the messages are still queued and go one per POST from the next pump.
    this.unbatched = true;
    this.opts.log?.(`collector did not take ${batch.length} messages in one POST (${reply.error}); sending one message per POST until settings change`);
  }

  /** The due messages with the text to send; one that cannot be built fails alone, with the reason. */
  private rendered(due: DueMessage[], now: number): DueMessage[] {
    const render = this.opts.render;
    if (!render) return due;
    return due.filter((m) => {
      try {
        m.body = render(m.body);
        return true;
      } catch (err) {
        this.fail(m, `message not built: ${(err as Error).message}`, now);
        return false;
      }
    });
  }

  /**
   * Fails a message that was not POSTed. It stays in flight until that is
   * committed, so the next pump does not hand it out again; once committed, a
   * pump takes the messages it may have kept out of this one. (If the write
   * fails, the message waits for the next pump something else starts.)
   */
  private fail(m: DueMessage, error: string, now: number): void {
    this.inFlight.add(m.id);
    this.opts.outbox.record(m, { kind: 'failed', error, httpStatus: null }, now).then(
      (summary) => {
        this.inFlight.delete(m.id);
        if (summary) this.opts.onDelivery(summary);
        this.kick();
      },
      () => this.inFlight.delete(m.id),
    );
  }

  /** Records the outcome of one POST to `bucket`: `results[i]` is the result for `batch[i]`. */
  private async settle(batch: DueMessage[], bucket: string, results: AttemptResult[]): Promise<void> {
    const now = Date.now();
    const transient = results.some((r) => r.kind === 'transient');
    if (transient) {
      this.consecutiveFailures++;
      this.holdUntil = now + backoffMs(this.consecutiveFailures);
    } else if (results.some((r) => r.kind === 'sent')) {
      this.consecutiveFailures = 0;
    }
    const authRejected = results.some((r) => r.kind === 'auth');
    if (authRejected) this.pausedReason = 'access token rejected';
    // The status bar shows the last error until a delivery succeeds again.
    const failed = results.find((r): r is Exclude<AttemptResult, { kind: 'sent' }> => r.kind !== 'sent');
    const nextError = failed ? failed.error : null;
    const changedStatus = this.lastError !== nextError || authRejected;
    this.lastError = nextError;
    const summaries = await Promise.all(batch.map((msg, i) => this.opts.outbox.record(msg, { ...outcomeOf(msg, results[i]!, now), postedTo: bucket }, now)));
    for (const summary of summaries) if (summary) this.opts.onDelivery(summary);
    if (changedStatus) this.opts.onStatusChange();
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

function outcomeOf(msg: DueMessage, result: AttemptResult, now: number): Outcome {
  switch (result.kind) {
    case 'sent':
      return result;
    case 'invalid':
      return { kind: 'failed', error: result.error, httpStatus: result.httpStatus };
    case 'auth':
      return { kind: 'retry', error: result.error, httpStatus: result.httpStatus, nextAttemptAt: now };
    case 'transient':
      return { kind: 'retry', error: result.error, httpStatus: result.httpStatus, nextAttemptAt: now + backoffMs(msg.attempts + 1) };
  }
}
