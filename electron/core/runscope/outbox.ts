// Durable queue of Runscope messages: one SQLite table (sqliteDb.ts), owned by
// the delivery worker thread.
//
// Writes are group-committed: those that arrive within COMMIT_DELAY_MS (or until
// COMMIT_MAX_MESSAGES are pending) run in one transaction, and each caller's
// promise settles only after its COMMIT. A commit costs far more than the rows
// in it, so one per group rather than one per message is what lets the worker
// keep up with a burst of traffic. If the transaction fails, it is rolled back
// and that group's callers are rejected; counts kept in memory are updated only
// after a COMMIT, so a failed group leaves them as they were.
//
// Durability: WAL with synchronous=NORMAL. A committed transaction has been
// written to the WAL file before its callers hear of it, so an acknowledged
// message survives kill -9 of the process; a power cut can lose the last commits.
import type { DeliveryRecord, DeliveryState, DeliverySummary } from '../api.js';
import { Db } from '../sqliteDb.js';
import { checkSchema, createSchema } from './outboxSchema.js';

export type OutboxLimits = { maxMessages: number; maxBytes: number };

export type EnqueueResult = 'queued' | 'full';

/** A message to queue: its exchange, the stored text, and its own bucket (null or absent: the settings' bucket at each attempt). */
export type NewMessage = readonly [exchangeId: string, body: string, bucket?: string | null];

export interface DueMessage {
  id: number;
  exchangeId: string;
  body: string;
  /** The message's own bucket; null: the settings' bucket. */
  bucket: string | null;
  attempts: number;
  createdAt: number;
}

/** How an attempt ended; `postedTo` is the bucket it was POSTed to (absent when nothing was POSTed). */
export type Outcome = { postedTo?: string } & (
  | { kind: 'sent'; httpStatus: number; uuid: string | null }
  | { kind: 'retry'; error: string; httpStatus: number | null; nextAttemptAt: number }
  | { kind: 'failed'; error: string; httpStatus: number | null }
);

const COMMIT_DELAY_MS = 20;
const COMMIT_MAX_MESSAGES = 256;
/** When sent messages must make room, this share of the bound is freed beyond need, so the next messages fit without a DELETE each. */
const TRIM_AHEAD = 0.01;

const WAITING = "state IN ('queued','retrying')";
/** The columns of a DeliverySummary, named as it names them. */
const SUMMARY = `exchange_id AS exchangeId, bucket, posted_to AS postedTo, state, attempts, last_error AS lastError, http_status AS httpStatus,
  runscope_uuid AS runscopeUuid, created_at AS createdAt, updated_at AS updatedAt`;

const text = (body: Uint8Array) => Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');

/** What the table holds (waiting: queued or retrying), kept in memory so depth and size cost nothing. */
type Totals = { messages: number; bytes: number; waiting: number };

interface PendingWrite {
  /** Runs inside the group's transaction; updates `totals` (the group's copy) as it goes. */
  apply: (totals: Totals) => unknown;
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

export class Outbox {
  private readonly db: Db;
  private totals: Totals;
  private pending: PendingWrite[] = [];
  /** Messages the pending writes carry (a batch of enqueues is one write). */
  private pendingMessages = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when the last group commit failed (disk full, permissions): surfaced in status. */
  lastWriteError: string | null = null;
  /** Set by the owner when it had to fall back to an in-memory outbox. */
  durabilityProblem: string | null = null;

  /** `path` null: in memory (not durable), for when the data dir cannot be written. */
  constructor(path: string | null, private readonly limits: OutboxLimits) {
    this.db = new Db(path);
    try {
      // Exclusive locking lets WAL work without shared memory (which the WASM VFS lacks).
      this.db.exec('PRAGMA locking_mode=EXCLUSIVE;');
      checkSchema(this.db);
      this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
      createSchema(this.db);
      this.totals = this.db.get(`SELECT COUNT(*) AS messages, COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(${WAITING}), 0) AS waiting FROM messages`) as unknown as Totals;
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  get depth(): number {
    return this.totals.waiting;
  }

  get size(): { messages: number; bytes: number } {
    return { messages: this.totals.messages, bytes: this.totals.bytes };
  }

  /** Resolves once the message is committed ('full' if the bound refused it). */
  async enqueue(exchangeId: string, body: string, bucket: string | null = null, now = Date.now()): Promise<EnqueueResult> {
    const [result] = await this.enqueueMany([[exchangeId, body, bucket]], now);
    return result!;
  }

  /**
   * Resolves once the messages are committed, with each one's result in order:
   * one pending write for the lot. An exchange already stored is 'queued', left as it is.
   */
  enqueueMany(messages: ReadonlyArray<NewMessage>, now = Date.now()): Promise<EnqueueResult[]> {
    return this.write((totals) => {
      const results: EnqueueResult[] = [];
      for (const [exchangeId, body, bucket = null] of messages) {
        if (this.db.get('SELECT 1 FROM messages WHERE exchange_id = ?', [exchangeId])) {
          results.push('queued');
          continue;
        }
        const bytes = Buffer.from(body);
        if (!this.makeRoom(bytes.length, totals)) {
          results.push('full');
          continue;
        }
        this.db.run("INSERT INTO messages (exchange_id, body, bytes, bucket, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)", [exchangeId, bytes, bytes.length, bucket, now, now]);
        totals.messages++;
        totals.bytes += bytes.length;
        totals.waiting++;
        results.push('queued');
      }
      return results;
    }, messages.length);
  }

  /** Messages due for an attempt, oldest first, excluding ids already in flight; `ownBucket`: only those with a bucket of their own. */
  due(now: number, limit: number, inFlight: Set<number>, ownBucket = false): DueMessage[] {
    const rows = this.db.all(
      `SELECT id, exchange_id AS exchangeId, body, bucket, attempts, created_at AS createdAt FROM messages INDEXED BY messages_waiting
        WHERE ${WAITING}${ownBucket ? ' AND bucket IS NOT NULL' : ''} AND next_attempt_at <= ? AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`,
      [now, JSON.stringify([...inFlight]), limit],
    ) as unknown as Array<Omit<DueMessage, 'body'> & { body: Uint8Array }>;
    return rows.map((r) => ({ ...r, body: text(r.body) }));
  }

  /** Earliest next attempt among waiting messages, or null. */
  nextAttemptAt(ownBucket = false): number | null {
    if (this.totals.waiting === 0) return null;
    const row = this.db.get(`SELECT MIN(next_attempt_at) AS t FROM messages INDEXED BY messages_waiting WHERE ${WAITING}${ownBucket ? ' AND bucket IS NOT NULL' : ''}`) as { t: number | null };
    return row.t === null ? null : Number(row.t);
  }

  /**
   * Records the outcome of an attempt at a message due() handed out; resolves
   * with the new summary once committed, or null if the message was no longer waiting.
   */
  record(message: Pick<DueMessage, 'id' | 'exchangeId' | 'attempts' | 'createdAt'>, outcome: Outcome, now = Date.now()): Promise<DeliverySummary | null> {
    const state: DeliveryState = outcome.kind === 'sent' ? 'sent' : outcome.kind === 'retry' ? 'retrying' : 'failed';
    const nextAttemptAt = outcome.kind === 'retry' ? outcome.nextAttemptAt : 0;
    const lastError = outcome.kind === 'sent' ? null : outcome.error;
    const uuid = outcome.kind === 'sent' ? outcome.uuid : null;
    return this.write((totals) => {
      const row = this.db.get(
        `UPDATE messages SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, http_status = ?, runscope_uuid = ?,
          posted_to = COALESCE(?, posted_to), updated_at = ? WHERE id = ? AND ${WAITING} RETURNING ${SUMMARY}`,
        [state, nextAttemptAt, lastError, outcome.httpStatus, uuid, outcome.postedTo ?? null, now, message.id],
      ) as DeliverySummary | null;
      if (row && state !== 'retrying') totals.waiting--;
      return row;
    });
  }

  /** Puts a failed message back in the queue (the user pressed Retry). */
  requeue(exchangeId: string, now = Date.now()): Promise<DeliverySummary | null> {
    return this.write((totals) => {
      const row = this.db.get(
        `UPDATE messages SET state = 'queued', next_attempt_at = 0, updated_at = ? WHERE exchange_id = ? AND state = 'failed' RETURNING ${SUMMARY}`,
        [now, exchangeId],
      ) as DeliverySummary | null;
      if (row) totals.waiting++;
      return row;
    });
  }

  get(exchangeId: string): DeliveryRecord | null {
    const row = this.db.get(`SELECT ${SUMMARY}, body AS message FROM messages WHERE exchange_id = ?`, [exchangeId]) as { message: Uint8Array } | null;
    return row && { ...(row as unknown as DeliveryRecord), message: text(row.message) };
  }

  /** Newest first. */
  list(limit: number, state?: DeliveryState): DeliverySummary[] {
    const rows = state
      ? this.db.all(`SELECT ${SUMMARY} FROM messages WHERE state = ? ORDER BY id DESC LIMIT ?`, [state, limit])
      : this.db.all(`SELECT ${SUMMARY} FROM messages ORDER BY id DESC LIMIT ?`, [limit]);
    return rows as unknown as DeliverySummary[];
  }

  countByState(): Record<DeliveryState, number> {
    const counts = { queued: 0, sent: 0, retrying: 0, failed: 0 };
    for (const r of this.db.all('SELECT state, COUNT(*) AS n FROM messages GROUP BY state') as Array<{ state: DeliveryState; n: number }>) counts[r.state] = r.n;
    return counts;
  }

  /** Commits what is pending, then closes. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  /**
   * Room for one more message of `size` bytes, deleting delivered history if it
   * must: the oldest sent messages first (TRIM_AHEAD of the bound beyond need),
   * then the oldest failed. Queued and retrying messages are never dropped.
   */
  private makeRoom(size: number, totals: Totals): boolean {
    const { maxMessages, maxBytes } = this.limits;
    const fits = () => totals.messages + 1 <= maxMessages && totals.bytes + size <= maxBytes;
    if (fits()) return true;
    this.trim('sent', 1 + Math.floor(maxMessages * TRIM_AHEAD), size + Math.floor(maxBytes * TRIM_AHEAD), totals);
    if (!fits()) this.trim('failed', 1, size, totals);
    return fits();
  }

  /**
   * Deletes, in one statement, the fewest of the oldest messages in `state` after
   * which `count` more messages of `bytes` more fit, or all of them if that is not enough.
   */
  private trim(state: 'sent' | 'failed', count: number, bytes: number, totals: Totals): void {
    // The first row (oldest first) at which enough is freed, or the last row.
    const cut = this.db.get(
      `SELECT id, n, freed FROM (SELECT id, ROW_NUMBER() OVER w AS n, SUM(bytes) OVER w AS freed FROM messages WHERE state = ? WINDOW w AS (ORDER BY id))
        WHERE (n >= ? AND freed >= ?) OR n = (SELECT COUNT(*) FROM messages WHERE state = ?) LIMIT 1`,
      [state, totals.messages + count - this.limits.maxMessages, totals.bytes + bytes - this.limits.maxBytes, state],
    ) as { id: number; n: number; freed: number } | null;
    if (!cut) return;
    this.db.run('DELETE FROM messages WHERE state = ? AND id <= ?', [state, cut.id]);
    totals.messages -= cut.n;
    totals.bytes -= cut.freed;
  }

  /** Queues `apply` for the next group commit; settles with its result once that group is committed (or rolled back). */
  private write<T>(apply: (totals: Totals) => T, messages = 1): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new Error('outbox is closed'));
      this.pending.push({ apply, resolve: resolve as (value: never) => void, reject });
      this.pendingMessages += messages;
      if (this.pendingMessages >= COMMIT_MAX_MESSAGES) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), COMMIT_DELAY_MS);
    });
  }

  /** One transaction for every pending write. */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const group = this.pending;
    this.pending = [];
    this.pendingMessages = 0;
    if (group.length === 0) return;
    const totals = { ...this.totals };
    const results: unknown[] = [];
    try {
      this.db.exec('BEGIN');
      for (const w of group) results.push(w.apply(totals));
      this.db.exec('COMMIT');
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* a failed COMMIT may have rolled back already */
      }
      this.lastWriteError = `outbox write failed: ${(err as Error).message}`;
      const error = new Error(this.lastWriteError);
      for (const w of group) w.reject(error);
      return;
    }
    this.totals = totals;
    this.lastWriteError = null;
    group.forEach((w, i) => w.resolve(results[i] as never));
  }
}
