// A HAR read into a new session of a real SessionDb: hidden until whole, all
// or nothing (a refused entry, a failing write, a crash mid-import), counted
// for retention once whole, never the current session.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarImporter } from '../../../electron/core/addons/sessions/harImporter.js';
import { SessionDb } from '../../../electron/core/addons/sessions/sessionDb.js';
import { countOf } from '../../../electron/core/addons/sessions/sessionCount.js';
import { pageOf, storedExchange } from '../../../electron/core/addons/sessions/sessionQueries.js';
import { toHar } from '../../../electron/core/har/export.js';
import { toState } from '../../../electron/core/flow/state.js';
import { body, exchange } from '../../support/exchanges.js';

const unbounded = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
const live = (i: number) => exchange({ id: `live-${i}`, url: `http://live.test/${i}`, startedAt: 1000 + i, resBody: body('x'.repeat(100)) });

function harOf(n: number, edit?: (entry: Record<string, any>, i: number) => void): Buffer {
  const states = Array.from({ length: n }, (_, i) =>
    toState(exchange({ method: i % 2 ? 'POST' : 'GET', url: `https://api.example.test/items/${i}`, status: 200 + (i % 3), reqBody: body(i % 2 ? `{"n":${i}}` : ''), resBody: body(`body ${i}`), startedAt: 1_700_000_000_000 + i, responseStartedAt: 1_700_000_000_005 + i, endedAt: 1_700_000_000_009 + i })),
  );
  const har = toHar(states) as { log: { entries: Array<Record<string, any>> } };
  if (edit) har.log.entries.forEach(edit);
  return Buffer.from(JSON.stringify(har));
}

function feed(importer: HarImporter, bytes: Buffer, chunk = 4096) {
  for (let i = 0; i < bytes.length; i += chunk) {
    const failed = importer.write(bytes.subarray(i, i + chunk));
    if (failed) return failed;
  }
  return importer.end();
}

describe('HarImporter', () => {
  it('writes the entries into a new session that is not current, listed once whole', () => {
    const db = new SessionDb(null, unbounded);
    db.write([live(1)]);
    const importer = new HarImporter(db, 'Imported a.har', 5000);
    const bytes = harOf(4500);
    // Halfway: steps are written, yet nothing of the import shows.
    expect(importer.write(bytes.subarray(0, bytes.length / 2))).toBeNull();
    expect(importer.progress.entries).toBeGreaterThan(2000);
    expect(db.sessions().map((s) => s.name)).toEqual([expect.stringMatching(/^Session /)]);
    expect(countOf(db, { session: 'all' })).toEqual({ ok: true, matched: 1, total: 1 });
    expect(countOf(db, { session: importer.session })).toEqual({ ok: true, matched: 0, total: 0 });
    expect(importer.write(bytes.subarray(bytes.length / 2))).toBeNull();
    const result = importer.end();
    expect(result).toEqual({ ok: true, count: 4500, session: { id: importer.session, name: 'Imported a.har', startedAt: 5000, exchanges: 4500, bytes: expect.any(Number), current: false, restarts: [] } });
    expect(importer.progress).toEqual({ entries: 4500, bytes: bytes.length });
    expect(db.sessions().find((s) => s.current)!.name).toMatch(/^Session /);
    expect(countOf(db, { session: 'all' })).toEqual({ ok: true, matched: 4501, total: 4501 });
    const page = pageOf(db, { session: importer.session, limit: 2 });
    if (!page.ok) throw new Error(page.error);
    expect(page.rows.map((r) => [r.method, r.url, r.status])).toEqual([['GET', 'https://api.example.test/items/0', 200], ['POST', 'https://api.example.test/items/1', 201]]);
    const second = storedExchange(db, page.rows[1]!.id)!;
    expect({ origin: second.origin, req: second.request.body.bytes().toString(), res: second.response!.body.bytes().toString() }).toEqual({ origin: 'import', req: '{"n":1}', res: 'body 1' });
    // New traffic still goes to the current session.
    db.write([live(2)]);
    expect(countOf(db, { session: 'current' })).toMatchObject({ total: 2 });
    db.close();
  });

  it('refuses the whole file at the first invalid entry, naming it, its field and its URL; nothing remains', () => {
    const db = new SessionDb(null, unbounded);
    db.write([live(1)]);
    const before = db.sessions();
    const bad = harOf(3000, (e, i) => i === 2500 && (e.response.status = 'ok'));
    const importer = new HarImporter(db, 'bad');
    expect(feed(importer, bad)).toEqual({ ok: false, invalid: true, error: 'entries[2500].response.status: expected a number, received string (entry: GET https://api.example.test/items/2500)' });
    expect(db.sessions()).toEqual(before);
    expect(countOf(db, { session: 'all' })).toEqual({ ok: true, matched: 1, total: 1 });
    expect(Number(db.db.get('SELECT COUNT(*) AS n FROM exchanges')!.n)).toBe(1);
    // Without a URL the entry is named by its index alone.
    const noUrl = harOf(4, (e, i) => i === 3 && delete e.request.url);
    expect(feed(new HarImporter(db, 'no url'), noUrl)).toEqual({ ok: false, invalid: true, error: 'entries[3].request.url: missing (expected a string)' });
    expect(feed(new HarImporter(db, 'not json'), Buffer.from('{"log":{"entries":[{]}}'))).toMatchObject({ ok: false, invalid: true, error: expect.stringMatching(/^entries\[0\]: not valid JSON at byte 21/) });
    expect(db.sessions()).toEqual(before);
    db.close();
  });

  it('a step the store cannot write removes the import too, and says the store failed', () => {
    const db = new SessionDb(null, unbounded);
    const importer = new HarImporter(db, 'x');
    // The second step's first row cannot be written, as on a full disk.
    const run = db.db.run.bind(db.db);
    let rows = 0;
    db.db.run = ((sql: string, params?: unknown) => {
      if (sql.startsWith('INSERT INTO exchanges') && ++rows === 2001) throw new Error('disk full');
      return run(sql, params as never);
    }) as typeof db.db.run;
    expect(feed(importer, harOf(5000))).toEqual({ ok: false, invalid: false, error: 'the session store could not take the import (disk full): nothing was imported' });
    expect(Number(db.db.get('SELECT COUNT(*) AS n FROM exchanges')!.n)).toBe(0);
    expect(db.sessions().map((s) => s.id)).toEqual([1]);
    db.close();
  });

  it('an import cut short by a crash is removed when a writer next opens the file; a reader hides it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'har-import-')), 'sessions.db');
    const db = new SessionDb(path, unbounded);
    db.write([live(1)]);
    const importer = new HarImporter(db, 'cut short');
    const bytes = harOf(3000);
    expect(importer.write(bytes.subarray(0, bytes.length - 10))).toBeNull();
    db.close(); // as a crash would leave it: steps written, the import marked
    const reader = new SessionDb(path, unbounded, { reader: true });
    expect(reader.sessions().map((s) => s.id)).toEqual([1]);
    expect(countOf(reader, { session: 'all' })).toEqual({ ok: true, matched: 1, total: 1 });
    reader.close();
    const writer = new SessionDb(path, unbounded);
    expect(writer.importing.size).toBe(0);
    expect(Number(writer.db.get('SELECT COUNT(*) AS n FROM exchanges')!.n)).toBe(1);
    expect(writer.sessions().map((s) => s.id)).toEqual([1]);
    writer.close();
  });

  it('counts for retention once whole (retention evicts no live traffic for an import under way)', () => {
    const db = new SessionDb(null, { maxExchanges: 3000, maxBytes: Number.MAX_SAFE_INTEGER });
    db.write(Array.from({ length: 10 }, (_, i) => live(i)));
    const importer = new HarImporter(db, 'big');
    const bytes = harOf(4000);
    expect(importer.write(bytes.subarray(0, bytes.length - 10))).toBeNull();
    db.write([live(10)]);
    expect(db.takeEvicted().exchanges).toBe(0);
    expect(importer.write(bytes.subarray(bytes.length - 10))).toBeNull();
    const result = importer.end();
    if (!result.ok) throw new Error(result.error);
    // Past the bound: the oldest go, the live ones first, then the import's own oldest.
    expect(db.size.exchanges).toBeLessThanOrEqual(3000);
    expect(db.takeEvicted().exchanges).toBe(4011 - db.size.exchanges);
    // live-10 came mid-import, after its first steps: newer than them, it stays.
    expect(countOf(db, { session: 'current' })).toMatchObject({ total: 1 });
    db.close();
  });
});
