// Durable queue of Runscope messages in SQLite (node-sqlite3-wasm: no native
// build, so the same file works in Node and in a packaged Electron app).
// Writes are grouped: enqueues and updates made within a few milliseconds
// commit in one transaction, and callers are told only after that commit.
import sqlite from 'node-sqlite3-wasm';
import type { DeliveryRecord, DeliveryState, DeliverySummary } from '../api.js';

const { Database } = sqlite;
type Statement = ReturnType<InstanceType<typeof Database>['prepare']>;
type BindValues = Parameters<Statement['run']>[0];

/**
 * The database with one prepared statement per SQL text, reused: the library's
 * own run/get/all prepare and finalize a statement on every call, which costs
 * more than the statement itself for our one-row reads and writes.
 */
class Db {
  private readonly db: InstanceType<typeof Database>;
  private readonly statements = new Map<string, Statement>();

  constructor(path: string | null) {
    this.db = path === null ? new Database() : new Database(path);
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  run(sql: string, values?: BindValues) {
    return this.prepared(sql).run(values);
  }

  all(sql: string, values?: BindValues) {
    return this.prepared(sql).all(values);
  }

  /** First row or null; reads to the end so no statement is left open mid-read. */
  get(sql: string, values?: BindValues) {
    return this.prepared(sql).all(values)[0] ?? null;
  }

  close(): void {
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
    this.db.close();
  }
}

export interface OutboxLimits {
  maxMessages: number;
  maxBytes: number;
}

export type EnqueueResult = 'queued' | 'full';

interface Row {
  id: number;
  exchange_id: string;
  /** UTF-8 bytes (rows written before 0.2 hold TEXT). */
  body: Uint8Array | string;
  bytes: number;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  http_status: number | null;
  runscope_uuid: string | null;
  created_at: number;
  updated_at: number;
}

export interface DueMessage {
  id: number;
  exchangeId: string;
  body: string;
  attempts: number;
  createdAt: number;
}

/**
 * Group commit: writes wait up to this long (or until this many are pending)
 * and commit in one transaction. A commit costs about as much as 50 one-row
 * inserts, so under load this is most of the outbox's cost per message
 * (20 ms against 5 ms: 10-20 % more req/s through one busy connection with forwarding on).
 */
const COMMIT_DELAY_MS = 20;
const COMMIT_MAX_WRITES = 256;

/** Bounds of the in-memory copy of freshly committed messages (see `fresh`). */
const FRESH_MAX_MESSAGES = 4096;
const FRESH_MAX_BYTES = 32 * 2 ** 20;

export type Outcome =
  | { kind: 'sent'; httpStatus: number; uuid: string | null }
  | { kind: 'retry'; error: string; httpStatus: number | null; nextAttemptAt: number }
  | { kind: 'failed'; error: string; httpStatus: number | null };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exchange_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  http_status INTEGER,
  runscope_uuid TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_due ON messages(state, next_attempt_at, id);
-- Waiting messages in id order: due() walks it and stops at LIMIT instead of
-- sorting every waiting row (bodies included) on each call.
CREATE INDEX IF NOT EXISTS messages_waiting ON messages(id) WHERE state IN ('queued','retrying');
`;

const summaryColumns = 'exchange_id, state, attempts, last_error, http_status, runscope_uuid, created_at, updated_at';

function bodyText(body: Uint8Array | string): string {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

function toSummary(r: Omit<Row, 'id' | 'body' | 'bytes' | 'next_attempt_at'>): DeliverySummary {
  return {
    exchangeId: r.exchange_id,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    httpStatus: r.http_status,
    runscopeUuid: r.runscope_uuid,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class Outbox {
  private readonly db: Db;
  private count = 0;
  private bytes = 0;
  private undelivered = 0;
  private pending: Array<{ write: () => () => void; onError: (err: Error) => void }> = [];
  /**
   * Messages committed since the forwarder last caught up, in id order, so the
   * steady state hands a new message to the forwarder without reading it back
   * from SQLite. Only used while it accounts for every waiting message not in
   * flight; otherwise (backlog after a restart, retries, requeues, overflow)
   * due() reads the database and this is dropped.
   */
  private fresh: Array<{ message: DueMessage; size: number }> = [];
  private freshHead = 0;
  private freshBytes = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when the last commit failed (disk full, permissions): surfaced in status. */
  lastWriteError: string | null = null;
  /** Set by the owner when it had to fall back to an in-memory outbox. */
  durabilityProblem: string | null = null;

  /** `path` null: in memory (not durable), for when the data dir cannot be written. */
  constructor(path: string | null, private readonly limits: OutboxLimits) {
    this.db = new Db(path);
    // Exclusive locking lets WAL work without shared memory (which the WASM VFS lacks).
    this.db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
    this.db.exec(SCHEMA);
    this.loadTotals();
  }

  private loadTotals(): void {
    const totals = this.db.get(
      "SELECT COUNT(*) AS n, COALESCE(SUM(bytes),0) AS b, COALESCE(SUM(state IN ('queued','retrying')),0) AS u FROM messages",
    ) as { n: number; b: number; u: number };
    this.count = Number(totals.n);
    this.bytes = Number(totals.b);
    this.undelivered = Number(totals.u);
  }

  get depth(): number {
    return this.undelivered;
  }

  get size(): { messages: number; bytes: number } {
    return { messages: this.count, bytes: this.bytes };
  }

  /** Resolves once the message is committed to disk ('full' if the bound refused it). */
  enqueue(exchangeId: string, body: string, now = Date.now()): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      const size = Buffer.byteLength(body);
      this.schedule(
        () => {
          if (!this.makeRoom(size)) return () => resolve('full');
          const res = this.db.run(
            "INSERT OR IGNORE INTO messages (exchange_id, body, bytes, state, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)",
            // As a BLOB: copying bytes into the WASM heap is a memcpy, a string is encoded char by char in JS.
            [exchangeId, Buffer.from(body), size, now, now],
          );
          if (res.changes === 0) return () => resolve('queued'); // already queued
          this.count++;
          this.bytes += size;
          this.undelivered++;
          const message: DueMessage = { id: Number(res.lastInsertRowid), exchangeId, body, attempts: 0, createdAt: now };
          return () => {
            this.remember(message, size);
            resolve('queued');
          };
        },
        reject,
      );
    });
  }

  /** Messages due for an attempt, oldest first, excluding ids already in flight. */
  due(now: number, limit: number, inFlight: Set<number>): DueMessage[] {
    const freshCount = this.fresh.length - this.freshHead;
    if (this.undelivered === inFlight.size + freshCount) return this.takeFresh(limit);
    this.dropFresh();
    const rows = this.db.all(
      "SELECT id, exchange_id, body, attempts, created_at FROM messages INDEXED BY messages_waiting WHERE state IN ('queued','retrying') AND next_attempt_at <= ? ORDER BY id LIMIT ?",
      [now, limit + inFlight.size],
    ) as unknown as Array<Pick<Row, 'id' | 'exchange_id' | 'body' | 'attempts' | 'created_at'>>;
    return rows
      .filter((r) => !inFlight.has(r.id))
      .slice(0, limit)
      .map((r) => ({ id: r.id, exchangeId: r.exchange_id, body: bodyText(r.body), attempts: r.attempts, createdAt: r.created_at }));
  }

  private remember(message: DueMessage, size: number): void {
    if (this.fresh.length - this.freshHead >= FRESH_MAX_MESSAGES || this.freshBytes + size > FRESH_MAX_BYTES) return;
    this.fresh.push({ message, size });
    this.freshBytes += size;
  }

  private takeFresh(limit: number): DueMessage[] {
    const end = Math.min(this.fresh.length, this.freshHead + limit);
    const out = this.fresh.slice(this.freshHead, end);
    this.freshHead = end;
    for (const f of out) this.freshBytes -= f.size;
    if (this.freshHead === this.fresh.length) this.dropFresh();
    return out.map((f) => f.message);
  }

  private dropFresh(): void {
    this.fresh = [];
    this.freshHead = 0;
    this.freshBytes = 0;
  }

  /** Earliest next attempt among waiting messages, or null. */
  nextAttemptAt(): number | null {
    const row = this.db.get("SELECT MIN(next_attempt_at) AS t FROM messages WHERE state IN ('queued','retrying')") as { t: number | null };
    return row.t === null ? null : Number(row.t);
  }

  /**
   * Records the outcome of an attempt at a message due() handed out; resolves
   * with the new summary after commit, or null if the message was no longer waiting.
   */
  record(message: Pick<DueMessage, 'id' | 'exchangeId' | 'attempts' | 'createdAt'>, outcome: Outcome, now = Date.now()): Promise<DeliverySummary | null> {
    return new Promise((resolve, reject) => {
      this.schedule(() => {
        const state: DeliveryState = outcome.kind === 'sent' ? 'sent' : outcome.kind === 'retry' ? 'retrying' : 'failed';
        const error = outcome.kind === 'sent' ? null : outcome.error;
        const uuid = outcome.kind === 'sent' ? outcome.uuid : null;
        const res = this.db.run(
          `UPDATE messages SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, http_status = ?,
             runscope_uuid = ?, updated_at = ? WHERE id = ? AND state IN ('queued','retrying')`,
          [state, outcome.kind === 'retry' ? outcome.nextAttemptAt : 0, error, outcome.httpStatus, uuid, now, message.id],
        );
        if (res.changes === 0) return () => resolve(null);
        if (state !== 'retrying') this.undelivered--;
        const summary: DeliverySummary = {
          exchangeId: message.exchangeId,
          state,
          attempts: message.attempts + 1,
          lastError: error,
          httpStatus: outcome.httpStatus,
          runscopeUuid: uuid,
          createdAt: message.createdAt,
          updatedAt: now,
        };
        return () => resolve(summary);
      }, reject);
    });
  }

  /** Puts a failed message back in the queue (the user pressed Retry). */
  requeue(exchangeId: string, now = Date.now()): Promise<DeliverySummary | null> {
    return new Promise((resolve, reject) => {
      this.schedule(() => {
        const res = this.db.run(
          "UPDATE messages SET state = 'queued', next_attempt_at = 0, updated_at = ? WHERE exchange_id = ? AND state = 'failed'",
          [now, exchangeId],
        );
        if (res.changes === 0) return () => resolve(null);
        this.undelivered++;
        const summary = this.db.get(`SELECT ${summaryColumns} FROM messages WHERE exchange_id = ?`, [exchangeId]) as unknown as Row;
        return () => resolve(toSummary(summary));
      }, reject);
    });
  }

  get(exchangeId: string): DeliveryRecord | null {
    const row = this.db.get(`SELECT ${summaryColumns}, body FROM messages WHERE exchange_id = ?`, [exchangeId]) as unknown as Row | null;
    return row ? { ...toSummary(row), message: bodyText(row.body) } : null;
  }

  list(limit: number, state?: DeliveryState): DeliverySummary[] {
    const rows = (
      state
        ? this.db.all(`SELECT ${summaryColumns} FROM messages WHERE state = ? ORDER BY id DESC LIMIT ?`, [state, limit])
        : this.db.all(`SELECT ${summaryColumns} FROM messages ORDER BY id DESC LIMIT ?`, [limit])
    ) as unknown as Row[];
    return rows.map(toSummary);
  }

  countByState(): Record<DeliveryState, number> {
    const counts: Record<DeliveryState, number> = { queued: 0, sent: 0, retrying: 0, failed: 0 };
    for (const r of this.db.all('SELECT state, COUNT(*) AS n FROM messages GROUP BY state') as Array<{ state: DeliveryState; n: number }>) {
      counts[r.state] = Number(r.n);
    }
    return counts;
  }

  /** Commits what is pending, then closes the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  /** When full: oldest sent go first, then oldest failed; undelivered are never dropped. */
  private makeRoom(size: number): boolean {
    const fits = () => this.count + 1 <= this.limits.maxMessages && this.bytes + size <= this.limits.maxBytes;
    for (const state of ['sent', 'failed'] as const) {
      while (!fits()) {
        const victims = this.db.all(`SELECT id, bytes FROM messages WHERE state = ? ORDER BY id LIMIT 256`, [state]) as Array<{ id: number; bytes: number }>;
        if (victims.length === 0) break;
        for (const v of victims) {
          if (fits()) break;
          this.db.run('DELETE FROM messages WHERE id = ?', [v.id]);
          this.count--;
          this.bytes -= Number(v.bytes);
        }
      }
    }
    return fits();
  }

  /** `write` runs inside the batch transaction and returns what to do once it is committed. */
  private schedule(write: () => () => void, onError: (err: Error) => void): void {
    if (this.closed) return onError(new Error('outbox is closed'));
    this.pending.push({ write, onError });
    if (this.pending.length >= COMMIT_MAX_WRITES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), COMMIT_DELAY_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending;
    this.pending = [];
    const acks: Array<() => void> = [];
    try {
      this.db.exec('BEGIN');
      for (const p of batch) acks.push(p.write());
      this.db.exec('COMMIT');
      this.lastWriteError = null;
    } catch (err) {
      this.lastWriteError = `outbox write failed: ${(err as Error).message}`;
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* nothing to roll back */
      }
      this.loadTotals();
      for (const p of batch) p.onError(new Error(this.lastWriteError));
      return;
    }
    for (const ack of acks) ack();
  }
}
