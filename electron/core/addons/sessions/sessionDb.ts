// The session store: sessions.db in the data dir (schema.ts), owned by the
// session worker thread, or opened by the CLI when no Proxyscope runs there.
//
// Writes come in batches, one transaction each (a commit costs far more than
// the rows in it), then retention (retention.ts) makes room. Counts per session
// are kept in the sessions table, in the same transactions, so listing sessions
// reads no exchange rows. Sessions being imported (sessionImports.ts) are
// hidden from lists, queries and retention until whole.
import { closeSync, openSync } from 'node:fs';
import type { SessionInfo } from '../../api.js';
import type { Exchange, MetaChange } from '../../flow/exchange.js';
import { Db } from '../../sqliteDb.js';
import { registerFilterFunctions } from './filterSql.js';
import { evictionPoint, type Eviction, type Retention } from './retention.js';
import { createSchema, createSession, indexBodies, insertExchange, OtherSchemaError, SCHEMA_VERSION, sessionName } from './schema.js';
import { discardUnfinishedImports, unfinishedImports } from './sessionImports.js';

export type { Eviction, Retention } from './retention.js';


export interface SessionDbOptions {
  /** Start a new current session instead of continuing the last one. */
  newSession?: boolean;
  /** For a reader (the CLI): no restart recorded, no session started (current: the last one, or 0 when there is none). */
  reader?: boolean;
  now?: number;
}

export class SessionDb {
  readonly db: Db;
  /** Where new exchanges go. */
  current: number;
  /** Sessions being imported: hidden until finishImport. */
  readonly importing = new Set<number>();
  private totals = { exchanges: 0, bytes: 0 };
  private evicted: Eviction = { exchanges: 0, bytes: 0 };

  /** `path` null: in memory. Throws when the file cannot be opened (see openSessionDb for a corrupt one). */
  constructor(
    path: string | null,
    private retention: Retention,
    opts: SessionDbOptions = {},
  ) {
    // Created 0600 before SQLite opens them (it would use the umask's mode).
    if (path !== null) for (const file of [path, `${path}-wal`]) closeSync(openSync(file, 'a', 0o600));
    this.db = new Db(path);
    try {
      // Exclusive locking lets WAL work without shared memory (which the WASM VFS lacks).
      this.db.exec('PRAGMA locking_mode=EXCLUSIVE;');
      this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8000;');
      registerFilterFunctions(this.db);
      const version = Number(this.db.get('PRAGMA user_version')?.user_version ?? 0);
      if (version !== 0 && version !== SCHEMA_VERSION) throw new OtherSchemaError(version);
      createSchema(this.db);
      for (const id of unfinishedImports(this.db)) this.importing.add(id);
      if (!opts.reader) discardUnfinishedImports(this);
      this.totals = this.db.get(`SELECT COALESCE(SUM(exchanges), 0) AS exchanges, COALESCE(SUM(bytes), 0) AS bytes FROM sessions WHERE true${this.notImporting('id')}`) as typeof this.totals;
      const now = opts.now ?? Date.now();
      const stored = this.db.get("SELECT value FROM store WHERE key = 'current'")?.value;
      const current = typeof stored === 'number' && this.db.get('SELECT 1 FROM sessions WHERE id = ?', [stored]) ? stored : null;
      if (opts.reader) this.current = current ?? 0;
      else if (current === null || opts.newSession) this.current = this.startSession(null, now);
      else {
        this.current = current;
        this.db.run('INSERT INTO restarts (session, at) VALUES (?, ?)', [current, now]);
      }
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  get size(): { exchanges: number; bytes: number } {
    return { ...this.totals };
  }

  /** Exchanges evicted since the last call. */
  takeEvicted(): Eviction {
    const e = this.evicted;
    this.evicted = { exchanges: 0, bytes: 0 };
    return e;
  }

  /**
   * Stores the exchanges in one transaction (all or none), in the current session or `session`, then applies
   * retention. Already stored ids are skipped (a collector's sender may send a message twice); returns the ids that were new.
   */
  write(exchanges: readonly Exchange[], metaChanges: ReadonlyArray<MetaChange> = [], session = this.current): string[] {
    const added: string[] = [];
    let bytes = 0;
    this.transaction(() => {
      for (const ex of exchanges) {
        const written = insertExchange(this.db, session, ex);
        if (!written) continue;
        bytes += written.bytes;
        added.push(ex.id);
      }
      if (added.length > 0) this.db.run('UPDATE sessions SET exchanges = exchanges + ?, bytes = bytes + ? WHERE id = ?', [added.length, bytes, session]);
      for (const m of metaChanges) this.applyMeta(m);
    });
    this.totals.exchanges += added.length;
    this.totals.bytes += bytes;
    this.applyRetention();
    return added;
  }

  /** The session collected messages of `bucket` go to (a session per bucket, made on first use; never the current one). */
  bucketSession(bucket: string, now = Date.now()): number {
    const key = `collector:${bucket}`;
    const stored = this.db.get('SELECT value FROM store WHERE key = ?', [key])?.value;
    if (typeof stored === 'number' && this.db.get('SELECT 1 FROM sessions WHERE id = ?', [stored])) return stored;
    const id = createSession(this.db, `Collected: ${bucket}`, now);
    this.db.run('INSERT OR REPLACE INTO store (key, value) VALUES (?, ?)', [key, id]);
    return id;
  }

  private applyMeta({ id, key, value }: MetaChange): void {
    const path = `$.meta.${key}`;
    if (key === 'delivery') this.db.run('UPDATE exchanges SET delivery = ?, state = json_set(state, ?, ?) WHERE id = ?', [value, path, value, id]);
    else this.db.run('UPDATE exchanges SET state = json_set(state, ?, ?) WHERE id = ?', [path, value, id]);
  }

  /** New retention bounds (Settings): what is over them goes now. */
  setRetention(retention: Retention): void {
    this.retention = retention;
    this.applyRetention();
  }

  private applyRetention(): void {
    const upTo = evictionPoint(this.db, this.totals, this.retention, this.notImporting());
    if (upTo === null) return;
    this.transaction(() => {
      const where = `seq <= ?${this.notImporting()}`;
      const gone = this.db.all(`SELECT session, COUNT(*) AS n, SUM(bytes) AS b FROM exchanges WHERE ${where} GROUP BY session`, [upTo]) as Array<{ session: number; n: number; b: number }>;
      this.deleteRows(where, [upTo]);
      for (const g of gone) {
        this.db.run('UPDATE sessions SET exchanges = exchanges - ?, bytes = bytes - ? WHERE id = ?', [g.n, g.b, g.session]);
        this.totals.exchanges -= g.n;
        this.totals.bytes -= g.b;
        this.evicted.exchanges += g.n;
        this.evicted.bytes += g.b;
      }
    });
  }

  /** ` AND <column> NOT IN (…)` while imports run: their rows are not the store's yet. */
  notImporting(column = 'session'): string {
    return this.importing.size === 0 ? '' : ` AND ${column} NOT IN (${[...this.importing].join(', ')})`;
  }

  /** Rows that are the store's from now on (a finished import): counted in the totals, then retention makes room. */
  adopt(added: Eviction): void {
    this.totals = { exchanges: this.totals.exchanges + added.exchanges, bytes: this.totals.bytes + added.bytes };
    this.applyRetention();
  }

  /** Deletes exchanges (with their bodies) by a condition on exchanges.seq / session; the caller keeps the counts. */
  deleteRows(where: string, params: Array<number | string>): void {
    this.db.run(`DELETE FROM bodies WHERE rowid IN (SELECT seq FROM exchanges WHERE ${where}) AND rowid <= (SELECT value FROM store WHERE key = 'indexed')`, params);
    this.db.run(`DELETE FROM body_text WHERE seq IN (SELECT seq FROM exchanges WHERE ${where})`, params);
    this.db.run(`DELETE FROM exchanges WHERE ${where}`, params);
  }

  /** Stored bodies past body search's index (about: evicted rows leave gaps in seq). */
  unindexed(): number {
    const row = this.db.get("SELECT COALESCE((SELECT MAX(seq) FROM body_text), 0) - (SELECT value FROM store WHERE key = 'indexed') AS n");
    return Math.max(0, Number(row?.n ?? 0));
  }

  /** Indexes up to `limit` more bodies for body search; returns how many (0: all are indexed). */
  indexBodies(limit: number): number {
    let n = 0;
    this.transaction(() => (n = indexBodies(this.db, limit)));
    return n;
  }

  /** Statistics: indexes still to analyze in this round and the size it is for; the size of the last round (read once). */
  private analyzing: { indexes: string[]; at: number } | null = null;
  private analyzedAt: number | null = null;
  /**
   * The planner's statistics, one index of exchanges per call (true while a round goes on): the whole table takes 4–14 s
   * at a million rows, answering nothing meanwhile. Each in full: a sampled ANALYZE takes no STAT4 samples, which rare ranges need.
   */
  analyzeStepIfGrown(): boolean {
    if (!this.analyzeDue()) return false;
    if (!this.analyzing) {
      const indexes = this.db.all("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'exchanges' AND sql IS NOT NULL ORDER BY name").map((r) => String(r.name));
      this.analyzing = { indexes, at: this.totals.exchanges };
    }
    const next = this.analyzing.indexes.shift();
    if (next !== undefined) this.db.exec(`PRAGMA analysis_limit = 0; ANALYZE "${next}";`);
    if (this.analyzing.indexes.length === 0) {
      this.db.run("INSERT OR REPLACE INTO store (key, value) VALUES ('analyzed', ?)", [this.analyzing.at]);
      this.analyzedAt = this.analyzing.at;
      this.analyzing = null;
    }
    return true;
  }

  /** Work for analyzeStepIfGrown: a round under way, or the store doubled since the last (older statistics still rank indexes right). */
  analyzeDue(): boolean {
    if (this.analyzing) return true;
    this.analyzedAt ??= Number(this.db.get("SELECT value FROM store WHERE key = 'analyzed'")?.value ?? 0);
    return this.totals.exchanges >= Math.max(1000, this.analyzedAt * 2);
  }

  startSession(name: string | null, now = Date.now()): number {
    const id = createSession(this.db, name ?? sessionName(now), now);
    this.db.run("INSERT OR REPLACE INTO store (key, value) VALUES ('current', ?)", [id]);
    this.current = id;
    return id;
  }

  sessions(): SessionInfo[] {
    const restarts = new Map<number, number[]>();
    for (const r of this.db.all('SELECT session, at FROM restarts ORDER BY at') as Array<{ session: number; at: number }>) {
      restarts.set(r.session, [...(restarts.get(r.session) ?? []), r.at]);
    }
    return (this.db.all(`SELECT id, name, started_at, exchanges, bytes FROM sessions WHERE true${this.notImporting('id')} ORDER BY id`) as Array<Record<string, number | string>>).map((s) => ({
      id: Number(s.id),
      name: String(s.name),
      startedAt: Number(s.started_at),
      exchanges: Number(s.exchanges),
      bytes: Number(s.bytes),
      current: s.id === this.current,
      restarts: restarts.get(Number(s.id)) ?? [],
    }));
  }

  rename(id: number, name: string): { ok: boolean; error?: string } {
    const { changes } = this.db.run('UPDATE sessions SET name = ? WHERE id = ?', [name, id]);
    return changes === 1 ? { ok: true } : { ok: false, error: `no session ${id}` };
  }

  /** Deletes a past session and its exchanges; the current one is cleared instead (see clear). */
  delete(id: number): { ok: boolean; error?: string } {
    if (id === this.current) return { ok: false, error: 'the current session cannot be deleted: start a new session first' };
    const s = this.db.get('SELECT exchanges, bytes FROM sessions WHERE id = ?', [id]) as { exchanges: number; bytes: number } | null;
    if (!s || this.importing.has(id)) return { ok: false, error: `no session ${id}` };
    this.transaction(() => {
      this.deleteRows('session = ?', [id]);
      this.db.run('DELETE FROM restarts WHERE session = ?', [id]);
      this.db.run('DELETE FROM sessions WHERE id = ?', [id]);
    });
    this.totals.exchanges -= s.exchanges;
    this.totals.bytes -= s.bytes;
    return { ok: true };
  }

  /** Deletes these exchanges (the user's Delete); returns how many were stored. */
  deleteExchanges(ids: readonly string[]): number {
    if (ids.length === 0) return 0;
    const where = `id IN (${ids.map(() => '?').join(', ')})${this.notImporting()}`;
    let deleted = 0;
    this.transaction(() => {
      const gone = this.db.all(`SELECT session, COUNT(*) AS n, SUM(bytes) AS b FROM exchanges WHERE ${where} GROUP BY session`, [...ids]) as Array<{ session: number; n: number; b: number }>;
      this.deleteRows(where, [...ids]);
      for (const g of gone) {
        this.db.run('UPDATE sessions SET exchanges = exchanges - ?, bytes = bytes - ? WHERE id = ?', [g.n, g.b, g.session]);
        this.totals.exchanges -= g.n;
        this.totals.bytes -= g.b;
        deleted += g.n;
      }
    });
    return deleted;
  }

  /** Empties the current session. */
  clear(): void {
    const s = this.db.get('SELECT exchanges, bytes FROM sessions WHERE id = ?', [this.current]) as { exchanges: number; bytes: number };
    this.transaction(() => {
      this.deleteRows('session = ?', [this.current]);
      this.db.run('UPDATE sessions SET exchanges = 0, bytes = 0 WHERE id = ?', [this.current]);
    });
    this.totals.exchanges -= s.exchanges;
    this.totals.bytes -= s.bytes;
  }

  /** Runs `body` in one transaction: all of it, or (it threw) none. */
  transaction(body: () => void): void {
    this.db.exec('BEGIN');
    try {
      body();
      this.db.exec('COMMIT');
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* the failed statement may have ended the transaction already */
      }
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }
}

