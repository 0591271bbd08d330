// The proxy thread's side of the delivery worker: posts ended exchanges in
// batches, tells the owner about each one once the worker has committed it (or
// could not), and mirrors the worker's status so status() stays synchronous.
// No promise or closure per exchange: this runs on the proxy's busiest thread.
import type { Worker } from 'node:worker_threads';
import type { DeliverySummary } from '../api.js';
import type { RunscopeSettings } from '../settings/schema.js';
import { PendingAnswers, startWorker, workerScriptUrl } from '../workerThreads.js';
import type { DeliveryStatus, ForwardCopy, FromWorker, Queries, QueryName, ToWorker, WorkerInit } from './deliveryProtocol.js';
import type { EnqueueResult } from './outbox.js';

const READY_TIMEOUT_MS = 30_000;
/**
 * Ended exchanges wait this long (or until this many) and cross to the worker in
 * one message. While user traffic keeps the proxy busy they wait longer: each
 * crossing wakes the worker and costs it a commit, and on a small machine those
 * wake-ups take CPU from the user's traffic.
 */
const POST_DELAY_MS = 5;
const BUSY_POST_DELAY_MS = 50;
const POST_MAX_EXCHANGES = 256;
/**
 * The worker allocates at a few thousand messages a second at most: V8's default
 * young generation would hold far more memory than that needs, and a smaller
 * one does not slow delivery.
 */
const WORKER_YOUNG_GENERATION_MB = 24;


export interface DeliveryHooks<T> {
  /** The exchange enqueued with `tag` is committed ('queued'), refused by the bound ('full'), or lost (an Error). */
  onQueued(tag: T, result: EnqueueResult | Error): void;
  log(line: string): void;
  onDelivery(d: DeliverySummary): void;
  onStatusChange(): void;
}

export class DeliveryChannel<T> {
  status: DeliveryStatus;
  /** Set when the worker died: forwarding stops, traffic goes on. */
  failure: string | null = null;
  /** How many times ended exchanges crossed to the worker (each crossing wakes it and costs a commit). */
  batchesPosted = 0;
  /** Tags of the exchanges posted or about to be, by number. */
  private readonly pending = new Map<number, T>();
  private nextExchange = 0;
  private readonly answers = new PendingAnswers();
  private outgoing: ForwardCopy[] = [];
  private postTimer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  private busy = false;

  private constructor(
    private readonly worker: Worker,
    ready: DeliveryStatus,
    private readonly hooks: DeliveryHooks<T>,
  ) {
    this.status = ready;
    worker.on('message', (msg: FromWorker) => this.receive(msg));
    worker.on('error', (err) => this.fail(`delivery worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.stopped) this.fail(`delivery worker exited (${code})`);
    });
  }

  static start<T>(init: WorkerInit, hooks: DeliveryHooks<T>): Promise<DeliveryChannel<T>> {
    return startWorker<FromWorker, DeliveryStatus, DeliveryChannel<T>>({
      url: workerScriptUrl('deliveryWorker.js', import.meta.url),
      name: 'proxyscope-delivery',
      workerData: init,
      youngGenerationMb: WORKER_YOUNG_GENERATION_MB,
      timeoutMs: READY_TIMEOUT_MS,
      ready: (msg) => (msg.type === 'ready' ? msg.status : undefined),
      early: (msg) => msg.type === 'log' && hooks.log(msg.line),
    }, (worker, ready) => new DeliveryChannel<T>(worker, ready, hooks));
  }

  /** hooks.onQueued(tag, …) follows once the exchange's message is committed to the outbox, or not. */
  enqueue(copy: ForwardCopy, tag: T): void {
    if (this.failure || this.stopped) {
      const err = new Error(this.failure ?? 'delivery is stopped');
      queueMicrotask(() => this.hooks.onQueued(tag, err));
      return;
    }
    this.pending.set(this.nextExchange++, tag);
    this.outgoing.push(copy);
    if (this.outgoing.length >= POST_MAX_EXCHANGES) this.postOutgoing();
    else this.postTimer ??= setTimeout(() => this.postOutgoing(), this.busy ? BUSY_POST_DELAY_MS : POST_DELAY_MS);
  }

  settingsChanged(settings: RunscopeSettings): void {
    this.send({ type: 'settings', settings });
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.send({ type: 'busy', busy });
  }

  query<K extends QueryName>(name: K, args: Queries[K]['args']): Promise<Queries[K]['result']> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    return this.answers.ask((id) => this.send({ type: 'query', id, name, args }));
  }

  /** Posts what is waiting, lets the worker commit it and close the outbox, then ends the thread. */
  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      if (this.failure) return;
      this.postOutgoing();
      const stoppedMsg = new Promise<void>((resolve) => {
        const onMessage = (msg: FromWorker) => msg.type === 'stopped' && resolve();
        this.worker.on('message', onMessage);
        this.worker.once('exit', () => resolve());
      });
      this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
      const timeout = new Promise((r) => setTimeout(r, 10_000).unref());
      await Promise.race([stoppedMsg, timeout]);
      await this.worker.terminate();
      this.rejectAll(new Error('delivery is stopped'));
    })());
  }

  private send(msg: ToWorker): void {
    if (!this.failure) this.worker.postMessage(msg);
  }

  private postOutgoing(): void {
    if (this.postTimer) clearTimeout(this.postTimer);
    this.postTimer = null;
    if (this.outgoing.length === 0 || this.failure) return;
    const exchanges = this.outgoing;
    this.outgoing = [];
    this.batchesPosted++;
    // `outgoing` holds the latest exchanges numbered, in order.
    this.send({ type: 'enqueue', first: this.nextExchange - exchanges.length, exchanges });
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'batch': {
        const statusChanged = JSON.stringify(msg.status) !== JSON.stringify(this.status);
        this.status = msg.status;
        const { queued } = msg;
        for (let i = 0; i + 1 < queued.length; i += 2) for (let n = queued[i]!; n < queued[i + 1]!; n++) this.settle(n, 'queued');
        for (const n of msg.full) this.settle(n, 'full');
        for (const [n, error] of msg.failed) this.settle(n, new Error(error));
        for (const d of msg.deliveries) this.hooks.onDelivery(d);
        if (statusChanged && msg.deliveries.length === 0) this.hooks.onStatusChange();
        break;
      }
      case 'answer':
        this.answers.settle(msg);
        break;
      case 'log':
        this.hooks.log(msg.line);
        break;
      default:
        break;
    }
  }

  private settle(n: number, result: EnqueueResult | Error): void {
    const tag = this.pending.get(n);
    if (tag === undefined) return;
    this.pending.delete(n);
    this.hooks.onQueued(tag, result);
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.hooks.log(reason);
    this.rejectAll(new Error(reason));
    this.hooks.onStatusChange();
  }

  private rejectAll(err: Error): void {
    const tags = [...this.pending.values()];
    this.pending.clear();
    for (const tag of tags) this.hooks.onQueued(tag, err);
    this.answers.rejectAll(err);
  }
}
