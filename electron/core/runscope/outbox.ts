// Durable queue of Runscope messages, in two tiers: the newest messages live in
// memory and in an append-only journal (outboxJournal.ts), their bodies in the
// journal only while traffic keeps the proxy busy; older ones, and all of them
// once traffic pauses, in SQLite (sqliteDb.ts). Writes are grouped:
// what happens within a few milliseconds is written at once (one journal
// append, one transaction), and callers are told only after that write.
import type { DeliveryRecord, DeliveryState, DeliverySummary } from '../api.js';
import { encodeQueued, encodeRecord, Journal, type JournalRecord } from './outboxJournal.js';
import { isWaiting, RecentMessages, summaryOf, type RecentMessage } from './outboxRecent.js';
import { Db } from './sqliteDb.js';

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
 * Group commit: writes wait up to this long (or until this many messages are pending)
 * and are written together: each write is acknowledged only once it is on disk,
 * and one write (or transaction) per group costs far less than one per message.
 */
const COMMIT_DELAY_MS = 20;
const COMMIT_MAX_MESSAGES = 256;

/**
 * The recent tier is folded into SQLite, in one transaction, once no write has
 * come for FOLD_IDLE_MS, or when it holds about RECENT_MAX_BYTES of memory (its
 * messages' bytes, plus RECENT_MESSAGE_OVERHEAD each for the object and index
 * entries that hold them). SQLite's B-tree work (in WASM) is most of what a
 * message costs the outbox, so it is done after a burst, when the burst is
 * over: a message sent while still in the tier is written to SQLite once, as
 * sent, instead of inserted as queued and then updated.
 */
const FOLD_IDLE_MS = 250;
const RECENT_MAX_BYTES = 8 * 2 ** 20;
const RECENT_MESSAGE_OVERHEAD = 256;
/**
 * While `deferFold` is set (user traffic keeps the proxy busy) bodies are let go
 * from memory once the journal has them (read back from it when needed) and a
 * full tier is not folded: the fold waits for traffic to quieten until the
 * tier's entries alone fill RECENT_MAX_BYTES (~32k messages; 100k entries took
 * the worker's part of peak RSS past the 300 MB budget) or the journal reaches
 * this size (a restart reads it whole).
 */
const SPILLED_JOURNAL_MAX_BYTES = 64 * 2 ** 20;
/** Share of the bound (messages and bytes) freed beyond need when sent messages must leave the database (see makeRoom). */
const TRIM_AHEAD = 0.01;
const TRIM_SELECT_ROWS = 1024;

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
-- Waiting messages in id order, with their next attempt: due() walks it and
-- stops at LIMIT instead of sorting every waiting row (bodies included).
-- Settled rows are kept out of every index but these two partial ones, so
-- writing a sent row costs the table and the exchange_id index only.
DROP INDEX IF EXISTS messages_due;
DROP INDEX IF EXISTS messages_waiting;
CREATE INDEX IF NOT EXISTS messages_waiting_at ON messages(id, next_attempt_at) WHERE state IN ('queued','retrying');
CREATE INDEX IF NOT EXISTS messages_failed ON messages(id) WHERE state = 'failed';
-- folded_generation: the last journal generation whose records are in messages.
CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

const summaryColumns = 'exchange_id, state, attempts, last_error, http_status, runscope_uuid, created_at, updated_at';

/**
 * FROM-clause tail selecting one state through the partial index that holds it
 * ('sent' rows are most rows: a plain scan finds them first), with its bound value.
 */
function inState(state: DeliveryState): { where: string; values: string[] } {
  switch (state) {
    case 'failed':
      return { where: "INDEXED BY messages_failed WHERE state = 'failed'", values: [] };
    case 'sent':
      return { where: "WHERE state = 'sent'", values: [] };
    case 'queued':
    case 'retrying':
      return { where: "INDEXED BY messages_waiting_at WHERE state IN ('queued','retrying') AND state = ?", values: [state] };
    default:
      throw new Error(`unknown delivery state ${JSON.stringify(state)}`);
  }
}

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

const queuedRecord = (m: RecentMessage, body: string) => encodeQueued({ id: m.id, exchangeId: m.exchangeId, createdAt: m.createdAt, body, bytes: m.bytes });
const outcomeRecord = (m: RecentMessage) =>
  encodeRecord({ kind: 'outcome', id: m.id, state: m.state, attempts: m.attempts, nextAttemptAt: m.nextAttemptAt, lastError: m.lastError, httpStatus: m.httpStatus, uuid: m.uuid, updatedAt: m.updatedAt });

/** What one grouped write did: text for the journal, whether it ran SQL, and what to do after. */
interface Applied {
  journal?: string;
  /** The byte length of `journal`, when known without measuring it again. */
  journalBytes?: number;
  /** Messages queued by `journal`, each with where its body starts in it (bytes). */
  queued?: Array<{ m: RecentMessage; bodyAt: number }>;
  db?: boolean;
  ack: () => void;
  /** Reverts its in-memory effects when its write failed. */
  undo?: () => void;
}

interface PendingWrite {
  apply: () => Applied;
  onError: (err: Error) => void;
}

export class Outbox {
  private readonly db: Db;
  private readonly journal: Journal | null = null;
  private readonly recent = new RecentMessages();
  private count = 0;
  private bytes = 0;
  private undelivered = 0;
  /** Waiting messages in the database (the rest of `undelivered` is in `recent`). */
  private dbWaiting = 0;
  private nextId = 1;
  /** Generation of the journal being written; folding it records it as folded. */
  private generation = 1;
  private pending: PendingWrite[] = [];
  /** Messages the pending writes carry (a batch of enqueues is one write). */
  private pendingMessages = 0;
  private inTransaction = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private foldTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when the last write failed (disk full, permissions): surfaced in status. */
  lastWriteError: string | null = null;
  /** Set by the owner when it had to fall back to an in-memory outbox. */
  durabilityProblem: string | null = null;
  /** Set by the owner while user traffic keeps the machine busy: a full recent tier spills instead of folding (see SPILLED_JOURNAL_MAX_BYTES). */
  deferFold = false;

  /**
   * `path` null: in memory (not durable), for when the data dir cannot be written.
   * `recentMaxMessages`: fold sooner (tests, to fold while messages are in flight).
   */
  constructor(
    path: string | null,
    private readonly limits: OutboxLimits,
    private readonly recentMaxMessages = Infinity,
  ) {
    this.db = new Db(path);
    try {
      // Exclusive locking lets WAL work without shared memory (which the WASM VFS lacks).
      this.db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
      this.db.exec(SCHEMA);
      const ids = this.db.get("SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)) AS n") as { n: number };
      this.nextId = Number(ids.n) + 1;
      const folded = Number((this.db.get("SELECT value FROM outbox_meta WHERE key = 'folded_generation'") as { value: number } | null)?.value ?? 0);
      this.generation = folded + 1;
      if (path !== null) {
        this.journal = new Journal(`${path}.journal`);
        this.replayJournal(folded);
      }
      this.loadTotals();
    } catch (err) {
      this.journal?.close();
      this.db.close();
      throw err;
    }
  }

  /** Messages the journal holds beyond the last fold go back into SQLite now. */
  private replayJournal(folded: number): void {
    const journal = this.journal!;
    const { generation, records } = journal.read();
    if (generation !== null && generation > folded) {
      this.generation = generation;
      for (const r of records) this.replay(r);
    }
    if (this.recent.size === 0) return journal.reset(this.generation);
    this.loadTotals();
    if (this.fold()) return;
    // Not folded (disk full?): write the journal again without what came after a damaged line.
    const text = [...this.recent.values()].map((m) => this.recordsOf(m)).join('');
    journal.reset(this.generation);
    journal.append(text);
  }

  private replay(r: JournalRecord): void {
    if (r.kind === 'queued') {
      const { id, exchangeId, createdAt, body, bytes } = r;
      if (this.recent.get(id) || this.recent.byExchangeId(exchangeId)) return;
      const m: RecentMessage = { id, exchangeId, body, bytes, at: -1, state: 'queued', attempts: 0, nextAttemptAt: 0, lastError: null, httpStatus: null, uuid: null, createdAt, updatedAt: createdAt };
      this.recent.add(m);
      this.nextId = Math.max(this.nextId, id + 1);
      return;
    }
    const m = this.recent.get(r.id);
    if (!m) return;
    if (r.kind === 'dropped') return this.recent.remove(m);
    if (r.kind === 'requeued') {
      m.nextAttemptAt = 0;
      m.updatedAt = r.updatedAt;
      return this.recent.restate(m, 'queued');
    }
    Object.assign(m, { attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, httpStatus: r.httpStatus, uuid: r.uuid, updatedAt: r.updatedAt });
    this.recent.restate(m, r.state);
  }

  /** Journal records that recreate `m` as it is now. */
  private recordsOf(m: RecentMessage): string {
    const queued = queuedRecord(m, this.bodyOf(m)).text;
    return m.state === 'queued' && m.attempts === 0 ? queued : queued + outcomeRecord(m);
  }

  private bodyOf(m: RecentMessage): string {
    return m.body ?? this.journal!.bytesAt(m.at, m.bytes).toString('utf8');
  }

  private loadTotals(): void {
    const totals = this.db.get(
      "SELECT COUNT(*) AS n, COALESCE(SUM(bytes),0) AS b, COALESCE(SUM(state IN ('queued','retrying')),0) AS u FROM messages",
    ) as { n: number; b: number; u: number };
    this.dbWaiting = Number(totals.u);
    this.count = Number(totals.n) + this.recent.size;
    this.bytes = Number(totals.b) + this.recent.bytes;
    this.undelivered = this.dbWaiting + this.recent.waiting.size;
  }

  get depth(): number {
    return this.undelivered;
  }

  get size(): { messages: number; bytes: number } {
    return { messages: this.count, bytes: this.bytes };
  }

  /** Resolves once the message is on disk ('full' if the bound refused it). */
  async enqueue(exchangeId: string, body: string, now = Date.now()): Promise<EnqueueResult> {
    const [result] = await this.enqueueMany([[exchangeId, body]], now);
    return result!;
  }

  /**
   * Resolves once the messages are on disk, with each one's result in order; one
   * write for the lot (the delivery worker's batches: no promise or closure per message).
   */
  enqueueMany(messages: ReadonlyArray<readonly [exchangeId: string, body: string]>, now = Date.now()): Promise<EnqueueResult[]> {
    return new Promise((resolve, reject) => {
      this.schedule(
        () => {
          const results: EnqueueResult[] = [];
          const queued: Array<{ m: RecentMessage; bodyAt: number }> = [];
          const dropped: RecentMessage[] = [];
          const undo = () => {
            for (const q of queued) this.recent.remove(q.m);
            this.recent.restore(dropped);
          };
          let journal = '';
          let journalBytes = 0;
          let db = false;
          try {
            for (const [exchangeId, body] of messages) {
              if (this.recent.byExchangeId(exchangeId)) {
                results.push('queued'); // already queued
                continue;
              }
              const size = Buffer.byteLength(body);
              const room = this.makeRoom(size, dropped);
              db ||= room.db;
              if (room.journal) {
                journal += room.journal;
                journalBytes += Buffer.byteLength(room.journal);
              }
              if (!room.fits) {
                results.push('full');
                continue;
              }
              const m: RecentMessage = { id: this.nextId++, exchangeId, body, bytes: size, at: -1, state: 'queued', attempts: 0, nextAttemptAt: 0, lastError: null, httpStatus: null, uuid: null, createdAt: now, updatedAt: now };
              this.recent.add(m);
              this.count++;
              this.bytes += size;
              this.undelivered++;
              const record = queuedRecord(m, body);
              queued.push({ m, bodyAt: journalBytes + record.bodyAt });
              journal += record.text;
              journalBytes += record.length;
              results.push('queued');
            }
          } catch (err) {
            undo();
            throw err;
          }
          return { journal, journalBytes, queued, db, ack: () => resolve(results), undo };
        },
        reject,
        messages.length,
      );
    });
  }

  /** Messages due for an attempt, oldest first, excluding ids already in flight. */
  due(now: number, limit: number, inFlight: Set<number>): DueMessage[] {
    const out: DueMessage[] = [];
    let inFlightInDb = 0;
    for (const id of inFlight) if (!this.recent.get(id)) inFlightInDb++;
    if (this.dbWaiting > inFlightInDb) {
      const rows = this.db.all(
        "SELECT id, exchange_id, body, attempts, created_at FROM messages INDEXED BY messages_waiting_at WHERE state IN ('queued','retrying') AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        [now, limit + inFlightInDb],
      ) as unknown as Array<Pick<Row, 'id' | 'exchange_id' | 'body' | 'attempts' | 'created_at'>>;
      for (const r of rows) {
        if (out.length >= limit) return out;
        if (!inFlight.has(r.id)) out.push({ id: r.id, exchangeId: r.exchange_id, body: bodyText(r.body), attempts: r.attempts, createdAt: r.created_at });
      }
    }
    for (const m of this.recent.waiting) {
      if (out.length >= limit) break;
      if (m.nextAttemptAt <= now && !inFlight.has(m.id)) out.push({ id: m.id, exchangeId: m.exchangeId, body: this.bodyOf(m), attempts: m.attempts, createdAt: m.createdAt });
    }
    return out;
  }

  /** Earliest next attempt among waiting messages, or null. */
  nextAttemptAt(): number | null {
    let earliest: number | null = null;
    if (this.dbWaiting > 0) {
      const row = this.db.get("SELECT MIN(next_attempt_at) AS t FROM messages INDEXED BY messages_waiting_at WHERE state IN ('queued','retrying')") as { t: number | null };
      if (row.t !== null) earliest = Number(row.t);
    }
    for (const m of this.recent.waiting) if (earliest === null || m.nextAttemptAt < earliest) earliest = m.nextAttemptAt;
    return earliest;
  }

  /**
   * Records the outcome of an attempt at a message due() handed out; resolves
   * with the new summary once written, or null if the message was no longer waiting.
   */
  record(message: Pick<DueMessage, 'id' | 'exchangeId' | 'attempts' | 'createdAt'>, outcome: Outcome, now = Date.now()): Promise<DeliverySummary | null> {
    return new Promise((resolve, reject) => {
      this.schedule(() => {
        const state: DeliveryState = outcome.kind === 'sent' ? 'sent' : outcome.kind === 'retry' ? 'retrying' : 'failed';
        const lastError = outcome.kind === 'sent' ? null : outcome.error;
        const uuid = outcome.kind === 'sent' ? outcome.uuid : null;
        const nextAttemptAt = outcome.kind === 'retry' ? outcome.nextAttemptAt : 0;
        const m = this.recent.get(message.id);
        if (m) {
          if (!isWaiting(m.state)) return { ack: () => resolve(null) };
          const before = { ...m };
          Object.assign(m, { attempts: m.attempts + 1, nextAttemptAt, lastError, httpStatus: outcome.httpStatus, uuid, updatedAt: now });
          this.recent.restate(m, state);
          if (state !== 'retrying') this.undelivered--;
          const summary = summaryOf(m);
          return {
            journal: outcomeRecord(m),
            ack: () => resolve(summary),
            undo: () => {
              Object.assign(m, before);
              this.recent.restate(m, before.state);
            },
          };
        }
        const res = this.sql(
          `UPDATE messages SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, http_status = ?,
             runscope_uuid = ?, updated_at = ? WHERE id = ? AND state IN ('queued','retrying')`,
          [state, nextAttemptAt, lastError, outcome.httpStatus, uuid, now, message.id],
        );
        if (res.changes === 0) return { db: true, ack: () => resolve(null) };
        if (state !== 'retrying') {
          this.undelivered--;
          this.dbWaiting--;
        }
        const summary: DeliverySummary = {
          exchangeId: message.exchangeId,
          state,
          attempts: message.attempts + 1,
          lastError,
          httpStatus: outcome.httpStatus,
          runscopeUuid: uuid,
          createdAt: message.createdAt,
          updatedAt: now,
        };
        return { db: true, ack: () => resolve(summary) };
      }, reject);
    });
  }

  /** Puts a failed message back in the queue (the user pressed Retry). */
  requeue(exchangeId: string, now = Date.now()): Promise<DeliverySummary | null> {
    return new Promise((resolve, reject) => {
      this.schedule(() => {
        const m = this.recent.byExchangeId(exchangeId);
        if (m) {
          if (m.state !== 'failed') return { ack: () => resolve(null) };
          const before = { ...m };
          Object.assign(m, { nextAttemptAt: 0, updatedAt: now });
          this.recent.restate(m, 'queued');
          this.undelivered++;
          const summary = summaryOf(m);
          return {
            journal: encodeRecord({ kind: 'requeued', id: m.id, updatedAt: now }),
            ack: () => resolve(summary),
            undo: () => {
              Object.assign(m, before);
              this.recent.restate(m, before.state);
            },
          };
        }
        const res = this.sql(
          "UPDATE messages SET state = 'queued', next_attempt_at = 0, updated_at = ? WHERE exchange_id = ? AND state = 'failed'",
          [now, exchangeId],
        );
        if (res.changes === 0) return { db: true, ack: () => resolve(null) };
        this.undelivered++;
        this.dbWaiting++;
        const summary = this.db.get(`SELECT ${summaryColumns} FROM messages WHERE exchange_id = ?`, [exchangeId]) as unknown as Row;
        return { db: true, ack: () => resolve(toSummary(summary)) };
      }, reject);
    });
  }

  get(exchangeId: string): DeliveryRecord | null {
    const m = this.recent.byExchangeId(exchangeId);
    if (m) return { ...summaryOf(m), message: this.bodyOf(m) };
    const row = this.db.get(`SELECT ${summaryColumns}, body FROM messages WHERE exchange_id = ?`, [exchangeId]) as unknown as Row | null;
    return row ? { ...toSummary(row), message: bodyText(row.body) } : null;
  }

  /** Newest first. */
  list(limit: number, state?: DeliveryState): DeliverySummary[] {
    const out: DeliverySummary[] = [];
    const recent = [...this.recent.values()];
    for (let i = recent.length - 1; i >= 0 && out.length < limit; i--) {
      if (!state || recent[i]!.state === state) out.push(summaryOf(recent[i]!));
    }
    const rest = limit - out.length;
    if (rest <= 0) return out;
    const { where, values } = state ? inState(state) : { where: '', values: [] };
    const rows = this.db.all(`SELECT ${summaryColumns} FROM messages ${where} ORDER BY id DESC LIMIT ?`, [...values, rest]) as unknown as Row[];
    return out.concat(rows.map(toSummary));
  }

  countByState(): Record<DeliveryState, number> {
    const counts: Record<DeliveryState, number> = { queued: 0, sent: 0, retrying: 0, failed: 0 };
    for (const r of this.db.all('SELECT state, COUNT(*) AS n FROM messages GROUP BY state') as Array<{ state: DeliveryState; n: number }>) {
      counts[r.state] = Number(r.n);
    }
    for (const m of this.recent.values()) counts[m.state]++;
    return counts;
  }

  /** Writes what is pending, folds the journal into SQLite, then closes. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.fold();
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.closed = true;
    this.journal?.close();
    this.db.close();
  }

  /**
   * Room for one more message of `size` bytes; recent-tier messages it removes go
   * onto `dropped` (put back if the write fails). When full: oldest sent go first,
   * then oldest failed; undelivered are never dropped. The database holds the
   * oldest, so it gives first. Sent messages leave the database TRIM_AHEAD of the
   * bound more than the new one needs, in one statement: once the history fills
   * the bound, every new message would otherwise cost a SELECT and a DELETE in
   * SQLite while traffic is at its busiest.
   */
  private makeRoom(size: number, dropped: RecentMessage[]): { fits: boolean; journal: string; db: boolean } {
    const { maxMessages, maxBytes } = this.limits;
    const fits = () => this.hasRoom(1, size);
    let journal = '';
    let db = false;
    for (const state of ['sent', 'failed'] as const) {
      if (!fits()) {
        const ahead = state === 'sent' ? TRIM_AHEAD : 0;
        db = this.trimDb(state, 1 + Math.floor(maxMessages * ahead), size + Math.floor(maxBytes * ahead)) || db;
      }
      for (const m of this.recent.values()) {
        if (fits()) break;
        if (m.state !== state) continue;
        this.recent.remove(m);
        dropped.push(m);
        journal += encodeRecord({ kind: 'dropped', id: m.id });
        this.count--;
        this.bytes -= m.bytes;
      }
    }
    return { fits: fits(), journal, db };
  }

  private hasRoom(count: number, bytes: number): boolean {
    return this.count + count <= this.limits.maxMessages && this.bytes + bytes <= this.limits.maxBytes;
  }

  /** Deletes the database's oldest messages in `state` until `count` more messages of `bytes` more would fit, or none is left; whether it deleted any. */
  private trimDb(state: 'sent' | 'failed', count: number, bytes: number): boolean {
    const { where, values } = inState(state);
    let deleted = false;
    while (!this.hasRoom(count, bytes)) {
      const victims = this.db.all(`SELECT id, bytes FROM messages ${where} ORDER BY id LIMIT ${TRIM_SELECT_ROWS}`, values) as Array<{ id: number; bytes: number }>;
      if (victims.length === 0) break;
      let last = -1;
      for (const v of victims) {
        if (this.hasRoom(count, bytes)) break;
        last = v.id;
        this.count--;
        this.bytes -= Number(v.bytes);
      }
      // The victims are the state's oldest rows: every row of that state up to `last` is one of them.
      this.sql('DELETE FROM messages WHERE id <= ? AND state = ?', [last, state]);
      deleted = true;
    }
    return deleted;
  }

  /** A write statement inside the group's transaction (begun on first use). */
  private sql(sql: string, values: Parameters<Db['run']>[1]) {
    if (!this.inTransaction) {
      this.db.exec('BEGIN');
      this.inTransaction = true;
    }
    return this.db.run(sql, values);
  }

  /** `apply` runs at the group write and returns what to write and what to do once written. */
  private schedule(apply: () => Applied, onError: (err: Error) => void, messages = 1): void {
    if (this.closed) return onError(new Error('outbox is closed'));
    this.pending.push({ apply, onError });
    this.pendingMessages += messages;
    if (this.pendingMessages >= COMMIT_MAX_MESSAGES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), COMMIT_DELAY_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0 || this.closed) return;
    this.foldWhenFull();
    const batch = this.pending;
    this.pending = [];
    this.pendingMessages = 0;
    const applied: Array<Applied & { onError: (err: Error) => void; failed?: Error }> = [];
    for (const p of batch) {
      try {
        applied.push({ ...p.apply(), onError: p.onError });
      } catch (err) {
        applied.push({ ack: () => undefined, db: true, onError: p.onError, failed: err as Error });
      }
    }
    let error: string | null = null;
    const fail = (which: (a: Applied) => boolean, err: Error) => {
      error = `outbox write failed: ${err.message}`;
      for (const a of [...applied].reverse()) {
        if (a.failed || !which(a)) continue;
        a.undo?.();
        a.failed = new Error(error);
      }
    };
    const failedStatement = applied.find((a) => a.failed)?.failed;
    if (failedStatement) error = `outbox write failed: ${failedStatement.message}`;
    if (this.inTransaction) {
      this.inTransaction = false;
      try {
        if (failedStatement) throw failedStatement;
        this.db.exec('COMMIT');
      } catch (err) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* nothing to roll back */
        }
        fail((a) => a.db === true, err as Error);
      }
    }
    if (this.journal) this.appendToJournal(applied, fail);
    // While busy, bodies are let go as soon as the journal has them: dropped young, they cost the GC far less than once promoted.
    if (this.deferFold) this.recent.spill();
    this.lastWriteError = error;
    if (error) this.loadTotals();
    for (const a of applied) {
      if (a.failed) a.onError(a.failed);
      else a.ack();
    }
    this.armFold();
  }

  private foldWhenFull(): void {
    const entries = this.recent.size * RECENT_MESSAGE_OVERHEAD;
    if (this.recent.size < this.recentMaxMessages && this.recent.heldBytes + entries < RECENT_MAX_BYTES) return;
    // While busy the bodies are already let go (flush): only the entries and the journal bound the wait.
    const deferred = this.deferFold && this.journal !== null && this.journal.size < SPILLED_JOURNAL_MAX_BYTES && entries < RECENT_MAX_BYTES;
    if (!deferred) this.fold();
  }

  /** One append for the group; each queued message learns where its body is in the journal. */
  private appendToJournal(applied: Array<Applied & { failed?: Error }>, fail: (which: (a: Applied) => boolean, err: Error) => void): void {
    const parts: string[] = [];
    const located: Array<{ m: RecentMessage; at: number }> = [];
    let length = 0;
    for (const a of applied) {
      if (a.failed || !a.journal) continue;
      parts.push(a.journal);
      if (a.queued) for (const q of a.queued) located.push({ m: q.m, at: length + q.bodyAt });
      length += a.journalBytes ?? Buffer.byteLength(a.journal);
    }
    if (parts.length === 0) return;
    try {
      const start = this.journal!.append(parts.join(''));
      for (const { m, at } of located) this.recent.journaled(m, start + at);
    } catch (err) {
      fail((a) => !!a.journal, err as Error);
    }
  }

  private armFold(): void {
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = this.recent.size > 0 ? setTimeout(() => this.foldWhenIdle(), FOLD_IDLE_MS) : null;
    this.foldTimer?.unref();
  }

  private foldWhenIdle(): void {
    this.foldTimer = null;
    if (this.closed) return;
    if (this.pending.length > 0) return this.flush(); // not idle: the flush re-arms the timer
    this.fold();
  }

  /**
   * Moves the recent tier into SQLite in one transaction that also records the
   * journal generation as folded, then empties the journal. False if the
   * transaction failed: then nothing moved and the journal still holds it all.
   */
  private fold(): boolean {
    if (this.recent.size === 0) return true;
    let ignored = false;
    let waiting = 0;
    let scratch = Buffer.allocUnsafe(64 * 1024);
    try {
      this.db.exec('BEGIN');
      for (const m of this.recent.values()) {
        let body: Buffer;
        if (m.body === null) body = this.journal!.bytesAt(m.at, m.bytes);
        else {
          if (m.bytes > scratch.length) scratch = Buffer.allocUnsafe(m.bytes);
          scratch.write(m.body);
          body = scratch.subarray(0, m.bytes);
        }
        const res = this.db.run(
          `INSERT OR IGNORE INTO messages (id, exchange_id, body, bytes, state, attempts, next_attempt_at, last_error, http_status, runscope_uuid, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          // As a BLOB (copied into the WASM heap with a memcpy; a string would be encoded char by char in JS),
          // through one scratch buffer rather than a Buffer per row.
          [m.id, m.exchangeId, body, m.bytes, m.state, m.attempts, m.nextAttemptAt, m.lastError, m.httpStatus, m.uuid, m.createdAt, m.updatedAt],
        );
        if (res.changes === 0) ignored = true;
        else if (isWaiting(m.state)) waiting++;
      }
      this.db.run("INSERT OR REPLACE INTO outbox_meta (key, value) VALUES ('folded_generation', ?)", [this.generation]);
      this.db.exec('COMMIT');
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* nothing to roll back */
      }
      this.lastWriteError = `outbox write failed: ${(err as Error).message}`;
      return false;
    }
    this.recent.clear();
    this.generation++;
    try {
      this.journal?.reset(this.generation);
    } catch (err) {
      // Records left behind carry a folded generation (a restart ignores them); the next append retries.
      this.lastWriteError = `outbox journal not emptied: ${(err as Error).message}`;
    }
    this.dbWaiting += waiting;
    if (ignored) this.loadTotals();
    return true;
  }
}
