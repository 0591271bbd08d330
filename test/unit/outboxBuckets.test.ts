// A message's own bucket in the outbox: stored with it, kept across a reopen,
// and shown with where its last attempt went; and the outbox's schema version,
// so that a file of another version is refused rather than misread.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../electron/core/runscope/outbox.js';
import { OUTBOX_SCHEMA_VERSION, OutboxSchemaError } from '../../electron/core/runscope/outboxSchema.js';
import { Db } from '../../electron/core/sqliteDb.js';

const opened: Outbox[] = [];
const open = (path: string) => {
  const o = new Outbox(path, { maxMessages: 1000, maxBytes: 1_000_000 });
  opened.push(o);
  return o;
};
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'outbox-buckets-')), 'outbox.db');

/** The file opened as the outbox opens it (WAL without shared memory needs the exclusive lock). */
function openFile(path: string): Db {
  const db = new Db(path);
  db.exec('PRAGMA locking_mode=EXCLUSIVE;');
  return db;
}

/** Writes a file as `sql` leaves it, then closes it. */
function writeFile(path: string, sql: string): void {
  const db = openFile(path);
  db.exec(`PRAGMA journal_mode=WAL; ${sql}`);
  db.close();
}

describe('Outbox buckets', () => {
  it("keeps each message's own bucket (null: the settings' bucket) across a reopen, and hands it out with the message", async () => {
    const path = dbPath();
    const a = open(path);
    await a.enqueueMany([['d1', '{}'], ['o1', '{}', 'other'], ['d2', '{}', null]]);
    await a.enqueue('o2', '{}', 'second');
    a.close();
    const b = open(path);
    expect(b.due(Date.now(), 10, new Set()).map((m) => [m.exchangeId, m.bucket])).toEqual([['d1', null], ['o1', 'other'], ['d2', null], ['o2', 'second']]);
    expect(b.get('o1')).toMatchObject({ bucket: 'other', postedTo: null });
    expect(b.list(10).map((d) => [d.exchangeId, d.bucket, d.postedTo])).toEqual([['o2', 'second', null], ['d2', null, null], ['o1', 'other', null], ['d1', null, null]]);
  });

  it('without a default bucket hands out only the messages with a bucket of their own (ownBucket), and says when the next of them is due', async () => {
    const o = open(dbPath());
    const now = Date.now();
    await o.enqueueMany([['d1', '{}'], ['r1', '{}', 'team'], ['d2', '{}'], ['r2', '{}', 'team']], now);
    expect(o.due(now, 10, new Set(), true).map((m) => m.exchangeId)).toEqual(['r1', 'r2']);
    expect(o.due(now, 1, new Set(), true).map((m) => m.exchangeId)).toEqual(['r1']);
    const [d1] = o.due(now, 1, new Set());
    await o.record(d1!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: now + 60_000 }, now);
    for (const m of o.due(now, 10, new Set(), true)) await o.record(m, { kind: 'sent', httpStatus: 201, uuid: null }, now);
    expect(o.nextAttemptAt(true)).toBeNull();
    expect(o.nextAttemptAt()).toBe(0);
  });

  it('records the bucket each attempt was POSTed to; an outcome without a POST leaves the last one', async () => {
    const o = open(dbPath());
    await o.enqueueMany([['d', '{}'], ['x', '{}', 'x']]);
    const [d, x] = o.due(Date.now(), 10, new Set());
    expect(await o.record(d!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: 0, postedTo: 'first-default' })).toMatchObject({ bucket: null, postedTo: 'first-default' });
    const [again] = o.due(Date.now(), 10, new Set([x!.id]));
    expect(await o.record(again!, { kind: 'sent', httpStatus: 201, uuid: 'u', postedTo: 'new-default' })).toMatchObject({ state: 'sent', bucket: null, postedTo: 'new-default' });
    expect(await o.record(x!, { kind: 'failed', error: 'not sent', httpStatus: null })).toMatchObject({ state: 'failed', bucket: 'x', postedTo: null });
    expect(o.get('d')).toMatchObject({ postedTo: 'new-default', message: '{}' });
  });
});

describe('Outbox schema version', () => {
  it('a new file carries the version', () => {
    const path = dbPath();
    open(path).close();
    const db = openFile(path);
    expect(Number(db.get('PRAGMA user_version')?.user_version)).toBe(OUTBOX_SCHEMA_VERSION);
    db.close();
  });

  it('a file from before the version was kept (a messages table without a bucket) is refused, and left as it was', () => {
    const path = dbPath();
    writeFile(path, "CREATE TABLE messages (id INTEGER PRIMARY KEY, exchange_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL, bytes INTEGER NOT NULL, state TEXT NOT NULL); INSERT INTO messages VALUES (1, 'old', x'7b7d', 2, 'queued');");
    expect(() => new Outbox(path, { maxMessages: 10, maxBytes: 1000 })).toThrow(OutboxSchemaError);
    expect(() => new Outbox(path, { maxMessages: 10, maxBytes: 1000 })).toThrow(`it has outbox schema 0, this version of Proxyscope writes ${OUTBOX_SCHEMA_VERSION}`);
    const db = openFile(path);
    expect(db.all('SELECT exchange_id AS id FROM messages')).toEqual([{ id: 'old' }]);
    db.close();
  });

  it('a file of a later version is refused too', () => {
    const path = dbPath();
    writeFile(path, `PRAGMA user_version = ${OUTBOX_SCHEMA_VERSION + 1};`);
    expect(() => new Outbox(path, { maxMessages: 10, maxBytes: 1000 })).toThrow(`it has outbox schema ${OUTBOX_SCHEMA_VERSION + 1}`);
  });
});
