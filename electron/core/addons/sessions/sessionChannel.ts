// The proxy thread's side of the session worker: posts ended exchanges in
// batches, calls each one's `settled` once the worker has committed it (or
// could not), and mirrors the store's status so status() stays synchronous.
import type { Worker } from 'node:worker_threads';
import type { SessionInfo } from '../../api.js';
import { PendingAnswers, startWorker, workerScriptUrl } from '../../workerThreads.js';
import type { Exchange, MetaChange } from '../../flow/exchange.js';
import { storedCopyOf, type FromSessionWorker, type SessionQueries, type SessionQueryName, type SessionWorkerInit, type StoreStatus, type ToSessionWorker } from './sessionProtocol.js';

/** Ended exchanges wait this long (or until this many) and cross in one message: each crossing wakes the worker and costs it a commit. */
const POST_DELAY_MS = 20;
const POST_MAX_EXCHANGES = 512;
/**
 * Backpressure. With this many exchanges posted and not yet committed, the
 * traffic is faster than the store (on 2 cores, thousands a second): new
 * requests wait until the store has caught up, for HOLD_MAX_MS at most, so
 * every exchange is stored and memory stays bounded.
 */
const HOLD_AT = 2_000;
const HOLD_MAX_MS = 2_000;
/**
 * In flight at most. Reached only when holding did not help (the worker is
 * stuck, say, on a long query): new exchanges are then reported without being
 * stored, and counted in the status, rather than grow memory or stall traffic.
 */
const MAX_IN_FLIGHT = 5_000;
/** The worker allocates little JS memory (rows live in SQLite's WASM heap): a small young generation is enough. */
const WORKER_YOUNG_GENERATION_MB = 16;


export interface SessionHooks {
  log(line: string): void;
  onStatusChange(): void;
  onSessions(sessions: SessionInfo[]): void;
}

export class SessionChannel {
  status: StoreStatus;
  /** Set when the worker died: exchanges are reported without being stored. */
  failure: string | null = null;
  /** Exchanges reported without being stored because the store was too far behind. */
  skipped = 0;
  /** Times new requests were held until the store caught up. */
  holds = 0;
  private caughtUp: { promise: Promise<void>; resolve: () => void } | null = null;
  private readonly settled = new Map<number, (error: string | null) => void>();
  private next = 0;
  /** Copied when posted, so what other addons set in meta meanwhile is in the copy. */
  private outgoing: Exchange[] = [];
  private meta: MetaChange[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly answers = new PendingAnswers();
  private stopped: Promise<void> | null = null;

  private constructor(private readonly worker: Worker, ready: StoreStatus, private readonly hooks: SessionHooks) {
    this.status = ready;
    worker.on('message', (msg: FromSessionWorker) => this.receive(msg));
    worker.on('error', (err) => this.fail(`session worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.stopped) this.fail(`session worker exited (${code})`);
    });
  }

  static start(init: SessionWorkerInit, hooks: SessionHooks): Promise<SessionChannel> {
    return startWorker<FromSessionWorker, StoreStatus, SessionChannel>({
      url: workerScriptUrl('sessionWorker.js', import.meta.url),
      name: 'proxyscope-sessions',
      workerData: init,
      youngGenerationMb: WORKER_YOUNG_GENERATION_MB,
      ready: (msg) => {
        if (msg.type !== 'ready') return undefined;
        msg.log.forEach((line) => hooks.log(line));
        return msg.status;
      },
    }, (worker, ready) => new SessionChannel(worker, ready, hooks));
  }

  /** Null when the store keeps up; else a promise to wait on before letting a new request go on. */
  backlog(): Promise<void> | null {
    if (this.settled.size < HOLD_AT) return null;
    if (this.caughtUp) return this.caughtUp.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => this.resume(), HOLD_MAX_MS);
    this.caughtUp = { promise, resolve: () => (clearTimeout(timer), resolve()) };
    this.holds++;
    this.hooks.onStatusChange();
    return promise;
  }

  private resume(): void {
    const c = this.caughtUp;
    this.caughtUp = null;
    c?.resolve();
  }

  /** `settled(null)` follows once the exchange is committed; `settled(reason)` if it could not be. */
  write(ex: Exchange, settled: (error: string | null) => void): void {
    if (this.failure || this.stopped) {
      const reason = this.failure ?? 'the session store is stopped';
      queueMicrotask(() => settled(reason));
      return;
    }
    if (this.settled.size >= MAX_IN_FLIGHT) {
      if (this.skipped++ === 0) this.hooks.onStatusChange();
      queueMicrotask(() => settled('the session store is too far behind'));
      return;
    }
    this.settled.set(this.next++, settled);
    this.outgoing.push(ex);
    if (this.outgoing.length >= POST_MAX_EXCHANGES) this.post();
    else this.timer ??= setTimeout(() => this.post(), POST_DELAY_MS);
  }

  /** Applied after the exchanges written before it (so a change never precedes its row). */
  metaChanged(change: MetaChange): void {
    if (this.failure || this.stopped) return;
    this.meta.push(change);
    this.timer ??= setTimeout(() => this.post(), POST_DELAY_MS);
  }

  query<K extends SessionQueryName>(name: K, args: SessionQueries[K]['args']): Promise<SessionQueries[K]['result']> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    this.post();
    return this.answers.ask((id) => this.send({ type: 'query', id, name, args }));
  }

  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      if (this.failure) return;
      this.post();
      const stoppedMsg = new Promise<void>((resolve) => {
        this.worker.on('message', (msg: FromSessionWorker) => msg.type === 'stopped' && resolve());
        this.worker.once('exit', () => resolve());
      });
      this.send({ type: 'stop' });
      await Promise.race([stoppedMsg, new Promise((r) => setTimeout(r, 10_000).unref())]);
      await this.worker.terminate();
      this.settleAll('the session store is stopped');
    })());
  }

  private send(msg: ToSessionWorker): void {
    if (!this.failure) this.worker.postMessage(msg);
  }

  private post(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if ((this.outgoing.length === 0 && this.meta.length === 0) || this.failure) return;
    const exchanges = this.outgoing;
    const meta = this.meta;
    this.outgoing = [];
    this.meta = [];
    this.send({ type: 'write', first: this.next - exchanges.length, exchanges: exchanges.map(storedCopyOf), meta });
  }

  private receive(msg: FromSessionWorker): void {
    switch (msg.type) {
      case 'written': {
        const changed = JSON.stringify(msg.status) !== JSON.stringify(this.status);
        this.status = msg.status;
        for (let n = msg.first; n < msg.first + msg.count; n++) {
          const settled = this.settled.get(n);
          this.settled.delete(n);
          settled?.(msg.error);
        }
        if (this.caughtUp && this.settled.size < HOLD_AT) this.resume();
        if (changed) this.hooks.onStatusChange();
        break;
      }
      case 'status': {
        const changed = JSON.stringify(msg.status) !== JSON.stringify(this.status);
        this.status = msg.status;
        if (changed) this.hooks.onStatusChange();
        break;
      }
      case 'answer':
        this.answers.settle(msg);
        break;
      case 'sessions':
        this.hooks.onSessions(msg.sessions);
        break;
      case 'log':
        this.hooks.log(msg.line);
        break;
      default:
        break;
    }
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.hooks.log(reason);
    this.settleAll(reason);
    this.hooks.onStatusChange();
  }

  private settleAll(reason: string): void {
    const all = [...this.settled.values()];
    this.settled.clear();
    for (const s of all) s(reason);
    this.answers.rejectAll(new Error(reason));
    this.resume();
  }
}
