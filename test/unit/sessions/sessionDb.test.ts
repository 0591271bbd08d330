// SessionDb on its own: batches all or nothing, retention by count and by
// bytes across sessions, meta changes, readers, and the sessions' own counts.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSessionDb } from '../../../electron/core/addons/sessions/openSessionDb.js';
import { OtherSchemaError, SCHEMA_VERSION } from '../../../electron/core/addons/sessions/schema.js';
import { SessionDb } from '../../../electron/core/addons/sessions/sessionDb.js';
import { countOf } from '../../../electron/core/addons/sessions/sessionCount.js';
import { pageOf, storedExchange } from '../../../electron/core/addons/sessions/sessionQueries.js';
import { summaryOf } from '../../../electron/core/flow/views.js';
import { body, exchange, exchangeFields, rewrittenExchange, tunnelExchange } from '../../support/exchanges.js';

const unbounded = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
const ex = (i: number, size = 100) => exchange({ id: `ex-${i}`, url: `http://h${i % 3}.test/p/${i}`, startedAt: 1000 + i, resBody: body('x'.repeat(size)) });

describe('SessionDb', () => {
  it('writes a batch once: ids already stored are skipped, counts follow', () => {
    const db = new SessionDb(null, unbounded);
    db.write([ex(1), ex(2)]);
    db.write([ex(2), ex(3)]);
    expect(db.size.exchanges).toBe(3);
    expect(db.sessions()[0]).toMatchObject({ exchanges: 3, current: true });
    expect(countOf(db, {})).toEqual({ ok: true, matched: 3, total: 3 });
    db.close();
  });

  it('a batch that fails leaves nothing of it behind', () => {
    const db = new SessionDb(null, unbounded);
    db.write([ex(1)]);
    const broken = ex(2);
    (broken.request as { method: unknown }).method = null;
    expect(() => db.write([ex(3), broken])).toThrow();
    expect(pageOf(db, {})).toMatchObject({ ok: true, rows: [{ id: 'ex-1' }] });
    expect(db.size.exchanges).toBe(1);
    db.close();
  });

  it('retention by count drops the oldest, across sessions, and reports what went', () => {
    const db = new SessionDb(null, { maxExchanges: 100, maxBytes: Number.MAX_SAFE_INTEGER });
    db.write(Array.from({ length: 60 }, (_, i) => ex(i)));
    db.startSession('second');
    db.write(Array.from({ length: 60 }, (_, i) => ex(100 + i)));
    expect(db.size.exchanges).toBeLessThanOrEqual(100);
    const gone = db.takeEvicted();
    expect(gone.exchanges).toBe(120 - db.size.exchanges);
    expect(storedExchange(db, 'ex-0')).toBeNull();
    expect(storedExchange(db, 'ex-159')?.id).toBe('ex-159');
    const [first, second] = db.sessions();
    expect(first!.exchanges + second!.exchanges).toBe(db.size.exchanges);
    expect(second!.exchanges).toBe(60);
    db.close();
  });

  it('retention by bytes keeps the total under the bound', () => {
    const db = new SessionDb(null, { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: 50_000 });
    for (let i = 0; i < 40; i++) db.write([ex(i, 4000)]);
    expect(db.size.bytes).toBeLessThanOrEqual(50_000);
    expect(db.size.exchanges).toBeGreaterThan(3);
    expect(storedExchange(db, 'ex-39')).not.toBeNull();
    db.close();
  });

  it('a meta change updates the delivery column the filter reads and the stored state', () => {
    const db = new SessionDb(null, unbounded);
    db.write([ex(1), ex(2)]);
    db.write([], [{ id: 'ex-1', key: 'delivery', value: 'sent' }, { id: 'ex-2', key: 'tag', value: 'x' }]);
    expect(pageOf(db, { filter: 'delivery=sent' })).toMatchObject({ ok: true, rows: [{ id: 'ex-1', delivery: 'sent' }] });
    expect(storedExchange(db, 'ex-2')?.meta.tag).toBe('x');
    db.close();
  });

  it('a tunnel keeps its kind, port, bytes each way and rule through the store: in its page row and read back whole', () => {
    const db = new SessionDb(null, unbounded);
    const tunnel = tunnelExchange({ id: 't-1', port: 8443, bytesUp: 700, bytesDown: 12_345, rule: 'bank' });
    db.write([ex(1), tunnel]);
    const page = pageOf(db, { filter: 'method=CONNECT' });
    expect(page).toEqual({ ok: true, rows: [{ ...summaryOf(tunnel), session: db.current }] });
    expect(pageOf(db, {})).toMatchObject({ ok: true, rows: [{ id: 'ex-1', kind: 'http', tunnel: null }, { id: 't-1', kind: 'tunnel' }] });
    expect(exchangeFields(storedExchange(db, 't-1')!)).toEqual(exchangeFields(tunnel));
    db.close();
  });

  it("a rewritten exchange keeps both sides through the store; filters and its row see what the client saw", () => {
    const db = new SessionDb(null, unbounded);
    const rewritten = rewrittenExchange({ id: 'rw-1' });
    db.write([ex(1), rewritten]);
    expect(exchangeFields(storedExchange(db, 'rw-1')!)).toEqual(exchangeFields(rewritten));
    expect(pageOf(db, { filter: 'host=api.test status=503' })).toMatchObject({ ok: true, rows: [{ id: 'rw-1', url: 'http://api.test/v1/users?id=7' }] });
    expect(pageOf(db, { filter: 'host=staging.test' })).toEqual({ ok: true, rows: [] });
    expect(pageOf(db, { filter: 'status=200 resbody*=price' })).toEqual({ ok: true, rows: [] });
    db.close();
  });

  it('continues the current session on reopen (a restart is marked); a reader changes nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sessiondb-')), 'sessions.db');
    let db = new SessionDb(path, unbounded, { now: 1 });
    db.write([ex(1)]);
    db.close();
    db = new SessionDb(path, unbounded, { reader: true });
    expect(db.sessions()).toMatchObject([{ exchanges: 1, restarts: [] }]);
    db.close();
    db = new SessionDb(path, unbounded, { now: 2 });
    expect(db.sessions()).toMatchObject([{ exchanges: 1, restarts: [2], current: true }]);
    db.close();
  });

  it('body search finds bodies before and after they are indexed, and forgets evicted ones', () => {
    const db = new SessionDb(null, { maxExchanges: 100, maxBytes: Number.MAX_SAFE_INTEGER });
    const said = (i: number, word: string) => exchange({ id: `w-${i}`, startedAt: i, resBody: body(`{"note":"${word} ${i}"}`) });
    db.write(Array.from({ length: 50 }, (_, i) => said(i, i % 10 === 0 ? 'zanzibar' : 'plain')));
    const found = () => (pageOf(db, { filter: 'resbody*=zanzibar', limit: 1000 }) as { rows: Array<{ id: string }> }).rows.map((r) => r.id);
    const expected = ['w-0', 'w-10', 'w-20', 'w-30', 'w-40'];
    expect(found()).toEqual(expected);
    expect(db.indexBodies(30)).toBe(30);
    expect(found()).toEqual(expected);
    while (db.indexBodies(30) > 0);
    expect(found()).toEqual(expected);
    db.write(Array.from({ length: 100 }, (_, i) => said(100 + i, 'plain')));
    expect(found()).toEqual([]);
    expect(countOf(db, { filter: 'body*=plain' })).toMatchObject({ matched: db.size.exchanges });
    db.close();
  });

  it('takes planner statistics once the store has doubled', () => {
    const db = new SessionDb(null, unbounded);
    db.write(Array.from({ length: 999 }, (_, i) => ex(i)));
    expect(db.analyzeDue()).toBe(false);
    expect(db.analyzeStepIfGrown()).toBe(false);
    db.write([ex(1000)]);
    expect(db.analyzeDue()).toBe(true);
    // One index per step, so that the worker answers queries between them: the seven of exchanges.
    let steps = 0;
    while (db.analyzeStepIfGrown()) {
      steps++;
      if (steps === 1) db.write([ex(1001)]); // a write in between does not start the round again
    }
    expect(steps).toBe(7);
    expect(db.analyzeDue()).toBe(false);
    expect(db.analyzeStepIfGrown()).toBe(false);
    // Taken at 1,000: due again at 2,000.
    db.write(Array.from({ length: 998 }, (_, i) => ex(1002 + i)));
    expect(db.size.exchanges).toBe(1999);
    expect(db.analyzeDue()).toBe(false);
    db.write([ex(3000)]);
    expect(db.analyzeDue()).toBe(true);
    const analyzed = db.db.all("SELECT idx FROM sqlite_stat1 WHERE tbl = 'exchanges' ORDER BY idx").map((r) => r.idx);
    expect(analyzed).toEqual(['exchanges_duration_ms', 'exchanges_host', 'exchanges_method', 'exchanges_req_size', 'exchanges_res_size', 'exchanges_status', 'exchanges_time']);
    // In full: a sampled ANALYZE takes no STAT4 samples, which rare ranges need.
    expect(Number(db.db.get("SELECT COUNT(*) AS n FROM sqlite_stat4 WHERE tbl = 'exchanges'")?.n)).toBeGreaterThan(0);
    db.close();
  });

  it('moves a file of another schema aside and starts a fresh one; a reader refuses it, naming both versions', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sessiondb-')), 'sessions.db');
    const old = new SessionDb(path, unbounded);
    old.write([ex(1)]);
    old.db.exec('PRAGMA user_version = 1');
    old.close();
    expect(() => new SessionDb(path, unbounded, { reader: true })).toThrow(OtherSchemaError);
    expect(() => new SessionDb(path, unbounded, { reader: true })).toThrow(`schema 1, this version of Proxyscope writes ${SCHEMA_VERSION}`);
    const { db, movedAside, reason } = openSessionDb(path, unbounded, { now: Date.UTC(2026, 0, 2) });
    expect(movedAside).toBe(`${path}.schema1-2026-01-02T00-00-00-000Z`);
    expect(reason).toBe('was written by another version of Proxyscope');
    expect(existsSync(movedAside!)).toBe(true);
    expect(db.size.exchanges).toBe(0);
    db.close();
  });
});
