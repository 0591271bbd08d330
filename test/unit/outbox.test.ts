import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from '../../electron/core/runscope/outbox.js';
import { Db } from '../../electron/core/sqliteDb.js';
import { backoffMs, BACKOFF_MAX_MS } from '../../electron/core/runscope/forwarder.js';
import { scaled } from '../support/scale.js';

const opened: Outbox[] = [];
function open(path: string, maxMessages = 1000, maxBytes = 1_000_000) {
  const o = new Outbox(path, { maxMessages, maxBytes });
  opened.push(o);
  return o;
}
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.db');

describe('Outbox', () => {
  it('keeps queued messages across close and reopen, oldest first', async () => {
    const path = dbPath();
    const a = open(path);
    await Promise.all([a.enqueue('e1', '{"n":1}'), a.enqueue('e2', '{"n":2}')]);
    a.close();
    const b = open(path);
    expect(b.depth).toBe(2);
    expect(b.due(Date.now(), 10, new Set()).map((m) => m.exchangeId)).toEqual(['e1', 'e2']);
  });

  it('records outcomes: sent, retry with a later attempt time, failed; requeue brings a failed one back', async () => {
    const o = open(dbPath());
    await Promise.all(['a', 'b', 'c'].map((id) => o.enqueue(id, '{}')));
    const [a, b, c] = o.due(Date.now(), 10, new Set());
    const now = Date.now();
    const sent = await o.record(a!, { kind: 'sent', httpStatus: 201, uuid: 'u1' });
    const retry = await o.record(b!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: now + 60_000 });
    const failed = await o.record(c!, { kind: 'failed', error: 'HTTP 400', httpStatus: 400 });
    expect(sent).toMatchObject({ exchangeId: 'a', state: 'sent', attempts: 1, runscopeUuid: 'u1', httpStatus: 201, lastError: null });
    expect(retry).toMatchObject({ exchangeId: 'b', state: 'retrying', attempts: 1, lastError: 'HTTP 503' });
    expect(failed).toMatchObject({ exchangeId: 'c', state: 'failed', lastError: 'HTTP 400' });
    expect(o.depth).toBe(1);
    expect(o.due(now, 10, new Set())).toEqual([]);
    expect(o.nextAttemptAt()).toBe(now + 60_000);
    expect(await o.requeue('a')).toBeNull();
    expect(await o.requeue('c')).toMatchObject({ state: 'queued' });
    expect(o.depth).toBe(2);
    expect(o.get('a')).toMatchObject({ message: '{}', state: 'sent' });
    expect(o.countByState()).toEqual({ queued: 1, retrying: 1, sent: 1, failed: 0 });
  });

  it('when full, drops the oldest sent first, then the oldest failed, then refuses new messages', async () => {
    const o = open(dbPath(), 3);
    await Promise.all(['s1', 'f1', 'q1'].map((id) => o.enqueue(id, '{}')));
    const [s1, f1] = o.due(Date.now(), 10, new Set());
    await o.record(s1!, { kind: 'sent', httpStatus: 201, uuid: null });
    await o.record(f1!, { kind: 'failed', error: 'x', httpStatus: 400 });
    expect(await o.enqueue('q2', '{}')).toBe('queued');
    expect(o.get('s1')).toBeNull();
    expect(await o.enqueue('q3', '{}')).toBe('queued');
    expect(o.get('f1')).toBeNull();
    expect(await o.enqueue('q4', '{}')).toBe('full');
    expect(o.list(10).map((d) => d.exchangeId).sort()).toEqual(['q1', 'q2', 'q3']);
  });

  it('once delivered history fills the bound, frees 1 % of it beyond need in one go, then takes new messages without deleting', async () => {
    const path = dbPath();
    const first = open(path, 1000);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => first.enqueue(`s${i}`, '{}')));
    await Promise.all(first.due(Date.now(), 1000, new Set()).map((m) => first.record(m, { kind: 'sent', httpStatus: 201, uuid: null })));
    first.close();
    const o = open(path, 1000);
    expect(o.size.messages).toBe(1000);
    expect(await o.enqueue('n0', '{}')).toBe('queued');
    // Room for the new message and 10 more (1 % of 1000): the 11 oldest are gone.
    expect(o.size.messages).toBe(990);
    expect(o.get('s10')).toBeNull();
    expect(o.get('s11')).not.toBeNull();
    for (let i = 1; i <= 10; i++) expect(await o.enqueue(`n${i}`, '{}')).toBe('queued');
    expect(o.size.messages).toBe(1000);
    expect(o.get('s11')).not.toBeNull();
    expect(await o.enqueue('n11', '{}')).toBe('queued');
    expect(o.get('s21')).toBeNull();
    expect(o.get('s22')).not.toBeNull();
    expect(o.countByState()).toEqual({ queued: 12, sent: 978, retrying: 0, failed: 0 });
  });

  it('frees 1 % of the byte bound beyond need too, in one go', async () => {
    const o = open(dbPath(), 1_000_000, 10_000);
    const body = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(90) }).slice(0, 100);
    await o.enqueueMany(Array.from({ length: 100 }, (_, i) => [`s${i}`, body(i)] as const));
    await Promise.all(o.due(Date.now(), 100, new Set()).map((m) => o.record(m, { kind: 'sent', httpStatus: 201, uuid: null })));
    expect(o.size).toEqual({ messages: 100, bytes: 10_000 });
    expect(await o.enqueue('n0', body(0))).toBe('queued');
    // Room for the new message's 100 bytes and 100 more (1 % of 10,000): the 2 oldest are gone.
    expect(o.size).toEqual({ messages: 99, bytes: 9_900 });
    expect(await o.enqueue('n1', body(1))).toBe('queued');
    expect(o.size).toEqual({ messages: 100, bytes: 10_000 });
    expect([o.get('s1'), o.get('s2')?.exchangeId]).toEqual([null, 's2']);
  });

  it('bounds bytes too', async () => {
    const o = open(dbPath(), 100, 10);
    expect(await o.enqueue('a', '12345678')).toBe('queued');
    expect(await o.enqueue('b', '12345678')).toBe('full');
  });
});

describe('Outbox hand-out', () => {
  it('hands out waiting messages with their bodies, oldest first, skipping those in flight', async () => {
    const o = open(dbPath());
    await Promise.all([o.enqueue('a', '{"a":1}'), o.enqueue('b', '{"b":1}')]);
    const first = o.due(Date.now(), 10, new Set());
    expect(first.map((m) => [m.exchangeId, m.body, m.attempts])).toEqual([['a', '{"a":1}', 0], ['b', '{"b":1}', 0]]);
    const inFlight = new Set(first.map((m) => m.id));
    inFlight.delete(first[0]!.id);
    await o.record(first[0]!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: Date.now() - 1 });
    await o.enqueue('c', '{"c":1}');
    expect(o.due(Date.now(), 10, inFlight).map((m) => [m.exchangeId, m.attempts])).toEqual([['a', 1], ['c', 0]]);
  });

  it('never hands out a message twice, never one that is settled, and delivers every message once, with its body (seeded random schedule, reopened now and then)', async () => {
    const steps = scaled(500, 5000);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Multi-byte characters: bodies are stored as UTF-8 bytes.
    const bodyOf = (exchangeId: string) => JSON.stringify({ exchangeId, text: 'é€😀'.repeat(exchangeId.length) });
    const path = dbPath();
    let o = open(path);
    const inFlight = new Map<number, Parameters<Outbox['record']>[0]>();
    const sent = new Map<string, number>();
    const settled = new Set<number>();
    let next = 0;
    let reopened = 0;
    for (let step = 0; step < steps; step++) {
      const r = random();
      if (r < 0.35 && next < steps / 5) {
        const exchangeId = `e${next++}`;
        await o.enqueue(exchangeId, bodyOf(exchangeId));
      } else if (r < 0.6) {
        for (const m of o.due(Date.now(), 1 + Math.floor(random() * 8), new Set(inFlight.keys()))) {
          expect(m.body).toBe(bodyOf(m.exchangeId));
          expect(inFlight.has(m.id)).toBe(false);
          expect(settled.has(m.id)).toBe(false);
          inFlight.set(m.id, m);
        }
      } else if (r < 0.97 && inFlight.size > 0) {
        const [id, m] = [...inFlight.entries()][Math.floor(random() * inFlight.size)]!;
        inFlight.delete(id);
        const roll = random();
        const outcome =
          roll < 0.7
            ? ({ kind: 'sent', httpStatus: 201, uuid: null } as const)
            : ({ kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: Date.now() - 1 } as const);
        const summary = await o.record(m, outcome);
        expect(summary?.exchangeId).toBe(m.exchangeId);
        if (outcome.kind === 'sent') {
          settled.add(id);
          sent.set(m.exchangeId, (sent.get(m.exchangeId) ?? 0) + 1);
        }
      } else if (r >= 0.97 && inFlight.size === 0) {
        o.close();
        o = open(path);
        reopened++;
      }
    }
    expect(reopened).toBeGreaterThan(0);
    for (let guard = 0; guard < 10_000 && o.depth > 0; guard++) {
      for (const m of o.due(Date.now(), 16, new Set())) {
        expect(m.body).toBe(bodyOf(m.exchangeId));
        await o.record(m, { kind: 'sent', httpStatus: 201, uuid: null });
        sent.set(m.exchangeId, (sent.get(m.exchangeId) ?? 0) + 1);
      }
    }
    expect(o.depth).toBe(0);
    expect(sent.size).toBe(next);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(o.countByState().sent).toBe(next);
  });
});

/** The files as a kill -9 leaves them: every acknowledged write is a completed write() call. */
function crashCopy(path: string): string {
  const copy = dbPath();
  for (const suffix of ['', '-wal']) if (existsSync(path + suffix)) copyFileSync(path + suffix, copy + suffix);
  return copy;
}

/**
 * Runs `script` (an ES module body with `Outbox`, the compiled one, in scope) in a child process
 * whose files may not grow past 160 KiB (ulimit -f; Node ignores SIGXFSZ), and parses what it prints.
 */
function underFileSizeLimit(script: string): unknown {
  const child = `const { Outbox } = await import(${JSON.stringify(join(process.cwd(), 'dist/electron/core/runscope/outbox.js'))});\n${script}`;
  const run = spawnSync('bash', ['-c', 'ulimit -f 160 && exec "$0" --input-type=module -e "$1"', process.execPath, child], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('Outbox group commit', () => {
  it('writes issued together are one transaction each 256 messages, and resolve only once committed', async () => {
    const o = open(dbPath());
    const exec = vi.spyOn(Db.prototype, 'exec');
    try {
      const writes = Array.from({ length: 300 }, (_, i) => o.enqueue(`e${i}`, '{}'));
      expect(o.get('e299')).toBeNull(); // not committed yet: nothing is read before its COMMIT
      expect(o.depth).toBe(256); // the first 256 were committed as soon as they were pending
      expect(await Promise.all(writes)).toEqual(writes.map(() => 'queued'));
      expect(exec.mock.calls.filter(([sql]) => sql === 'COMMIT')).toHaveLength(2);
    } finally {
      exec.mockRestore();
    }
    expect(o.depth).toBe(300);
  });

  it('a batch gets one result per message, in order, and the acknowledged ones survive a crash with their bodies', async () => {
    const path = dbPath();
    const a = open(path, 100, 60);
    expect(await a.enqueue('old', '{"n":"old"}')).toBe('queued');
    const body = (id: string) => `{"id":"${id}","t":"é"}`;
    const results = await a.enqueueMany([
      ['x', body('x')],
      ['old', body('old')], // already queued
      ['x', body('x')], // twice in the batch
      ['big', `{"pad":"${'p'.repeat(40)}"}`], // past the byte bound
      ['y', body('y')],
    ]);
    expect(results).toEqual(['queued', 'queued', 'queued', 'full', 'queued']);
    expect(a.due(Date.now(), 10, new Set()).map((m) => m.body)).toEqual(['{"n":"old"}', body('x'), body('y')]);
    const b = open(crashCopy(path), 100, 60);
    expect(b.due(Date.now(), 10, new Set()).map((m) => [m.exchangeId, m.body])).toEqual([
      ['old', '{"n":"old"}'],
      ['x', body('x')],
      ['y', body('y')],
    ]);
    expect(b.size).toEqual(a.size);
  });

  it('a batch that fills the bound: the first fit, the next makes room by dropping sent history, the rest are full', async () => {
    const path = dbPath();
    const o = open(path, 3);
    await o.enqueueMany([
      ['s', '{}'],
      ['q', '{}'],
    ]);
    const [s] = o.due(Date.now(), 1, new Set());
    await o.record(s!, { kind: 'sent', httpStatus: 201, uuid: null });
    expect(
      await o.enqueueMany([
        ['a', '{}'],
        ['b', '{}'],
        ['c', '{}'],
        ['d', '{}'],
      ]),
    ).toEqual(['queued', 'queued', 'full', 'full']);
    expect(o.get('s')).toBeNull();
    expect([o.size.messages, o.depth]).toEqual([3, 3]);
    const b = open(crashCopy(path), 3);
    expect(b.list(10).map((d) => d.exchangeId)).toEqual(['b', 'a', 'q']);
    expect([b.size, b.depth]).toEqual([o.size, 3]);
  });

  it('acknowledged writes survive a crash: a copy of the files taken while the outbox is open has them all', async () => {
    const path = dbPath();
    const a = open(path);
    await Promise.all(['s', 'f', 'r', 'q'].map((id) => a.enqueue(id, `{"id":"${id}"}`)));
    const [s, f, r] = a.due(Date.now(), 3, new Set());
    const later = Date.now() + 60_000.5; // times need not be whole milliseconds
    await Promise.all([
      a.record(s!, { kind: 'sent', httpStatus: 201, uuid: 'u-s' }),
      a.record(f!, { kind: 'failed', error: 'HTTP 400', httpStatus: 400 }),
      a.record(r!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: later }),
    ]);
    await a.requeue('f');
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0); // the commits are in the WAL, not yet in the database file
    const b = open(crashCopy(path));
    expect(b.countByState()).toEqual({ sent: 1, failed: 0, retrying: 1, queued: 2 });
    expect(b.get('s')).toMatchObject({ state: 'sent', runscopeUuid: 'u-s', attempts: 1, message: '{"id":"s"}' });
    expect(b.get('f')).toMatchObject({ state: 'queued', lastError: 'HTTP 400', attempts: 1 });
    expect(b.get('r')).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(b.depth).toBe(3);
    expect(b.due(Date.now(), 10, new Set()).map((m) => m.exchangeId)).toEqual(['f', 'q']);
    expect(b.due(later, 10, new Set()).map((m) => m.exchangeId)).toEqual(['f', 'r', 'q']);
    expect(b.size).toEqual(a.size);
  });

  it('a batch whose write fails (a real EFBIG: the file size limit) is refused whole; the outbox goes on', () => {
    const path = dbPath();
    const out = underFileSizeLimit(`
      const o = new Outbox(${JSON.stringify(path)}, { maxMessages: 1000, maxBytes: 1e8 });
      const ids = () => o.due(Date.now(), 10, new Set()).map((m) => m.exchangeId);
      await o.enqueue('kept', '{"k":1}');
      let error = null;
      try { await o.enqueueMany([['a', '{"a":1}'], ['big', JSON.stringify({ pad: 'p'.repeat(300000) })]]); } catch (e) { error = e.message; }
      const afterFailure = { ids: ids(), depth: o.depth, messages: o.size.messages, lastWriteError: o.lastWriteError };
      await o.enqueue('later', '{"l":1}');
      const afterNext = { ids: ids(), depth: o.depth, lastWriteError: o.lastWriteError };
      o.close();
      console.log(JSON.stringify({ error, afterFailure, afterNext }));`) as { error: string; afterFailure: Record<string, unknown>; afterNext: Record<string, unknown> };
    expect(out.error).toBe('outbox write failed: disk I/O error'); // SQLite's word for the EFBIG
    expect(out.afterFailure).toEqual({ ids: ['kept'], depth: 1, messages: 1, lastWriteError: out.error });
    expect(out.afterNext).toEqual({ ids: ['kept', 'later'], depth: 2, lastWriteError: null });
    const reopened = open(path);
    expect(reopened.due(Date.now(), 10, new Set()).map((m) => m.exchangeId)).toEqual(['kept', 'later']);
  });

  it('a statement that fails mid-group is rolled back with the writes before it; the next group goes through', async () => {
    const path = dbPath();
    const o = open(path, 4);
    await o.enqueueMany([
      ['s', '{}'],
      ['q', '{}'],
    ]);
    const [s, q] = o.due(Date.now(), 2, new Set());
    await o.record(s!, { kind: 'sent', httpStatus: 201, uuid: null });
    const snapshot = () => ({ size: o.size, depth: o.depth, counts: o.countByState(), list: o.list(10).map((d) => [d.exchangeId, d.state]) });
    const before = snapshot();
    // Any statement error leaves the transaction open (here a NOT NULL constraint; SQLITE_FULL would be another).
    const settled = await Promise.allSettled([
      o.record(q!, { kind: 'sent', httpStatus: 201, uuid: null }),
      o.enqueueMany([
        ['a', '{}'],
        ['b', '{}'],
      ]),
      o.enqueue(null as unknown as string, '{}'), // the bound is full: makes room by trimming 's', then fails
    ]);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(o.lastWriteError).toMatch(/^outbox write failed: NOT NULL constraint failed/);
    expect(snapshot()).toEqual(before);
    expect(await o.enqueue('c', '{}')).toBe('queued');
    expect(o.lastWriteError).toBeNull();
    o.close();
    const b = open(path, 4);
    expect(b.list(10).map((d) => [d.exchangeId, d.state])).toEqual([
      ['c', 'queued'],
      ['q', 'queued'],
      ['s', 'sent'],
    ]);
  });

  it('a failed group is rolled back whole: every caller in it is refused, and rows and counts are as before (trimmed history included)', () => {
    const path = dbPath();
    const out = underFileSizeLimit(`
      const o = new Outbox(${JSON.stringify(path)}, { maxMessages: 4, maxBytes: 1e8 });
      await o.enqueueMany([['s', '{"s":1}'], ['f', '{"f":1}'], ['q', '{"q":1}']]);
      const [s, f, q] = o.due(Date.now(), 3, new Set());
      await Promise.all([o.record(s, { kind: 'sent', httpStatus: 201, uuid: 'u' }), o.record(f, { kind: 'failed', error: 'HTTP 400', httpStatus: 400 })]);
      const snapshot = () => ({
        size: o.size, depth: o.depth, counts: o.countByState(), next: o.nextAttemptAt(),
        list: o.list(10).map((d) => [d.exchangeId, d.state, d.attempts]), due: o.due(Date.now(), 10, new Set()).map((m) => m.exchangeId),
      });
      const before = snapshot();
      // One group: a record, a requeue, and a batch whose second message needs the sent 's' trimmed and cannot be written.
      const settled = await Promise.allSettled([
        o.record(q, { kind: 'sent', httpStatus: 201, uuid: 'v' }),
        o.requeue('f'),
        o.enqueueMany([['n', '{"n":1}'], ['big', JSON.stringify({ pad: 'p'.repeat(300000) })]]),
      ]);
      const after = snapshot();
      const failed = settled.map((r) => (r.status === 'rejected' ? r.reason.message : 'resolved'));
      const lastWriteError = o.lastWriteError;
      const retried = await o.record(q, { kind: 'sent', httpStatus: 201, uuid: 'v' });
      o.close();
      console.log(JSON.stringify({ before, after, failed, lastWriteError, retried: retried && retried.state }));`) as Record<string, unknown> & { failed: string[]; lastWriteError: string };
    expect(out.lastWriteError).toMatch(/^outbox write failed: /);
    expect(out.failed).toEqual([out.lastWriteError, out.lastWriteError, out.lastWriteError]);
    expect(out.after).toEqual(out.before);
    expect(out.before).toMatchObject({ size: { messages: 3 }, depth: 1, counts: { sent: 1, failed: 1, queued: 1, retrying: 0 } });
    expect(out.retried).toBe('sent');
    const reopened = open(path, 4);
    expect(reopened.list(10).map((d) => [d.exchangeId, d.state])).toEqual([
      ['q', 'sent'],
      ['f', 'failed'],
      ['s', 'sent'],
    ]);
    expect([reopened.size.messages, reopened.depth]).toEqual([3, 0]);
  });
});

describe('Outbox reads', () => {
  it('lists by state, newest first, across a reopen', async () => {
    const path = dbPath();
    const a = open(path);
    await Promise.all(['s1', 'f1', 'r1', 'q1'].map((id) => a.enqueue(id, '{}')));
    const [s, f, r] = a.due(Date.now(), 3, new Set());
    await Promise.all([
      a.record(s!, { kind: 'sent', httpStatus: 201, uuid: null }),
      a.record(f!, { kind: 'failed', error: 'HTTP 400', httpStatus: 400 }),
      a.record(r!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: Date.now() + 60_000 }),
    ]);
    a.close();
    const b = open(path);
    await Promise.all(['s2', 'f2', 'r2', 'q2'].map((id) => b.enqueue(id, '{}')));
    const [s2, f2, r2] = b.due(Date.now(), 4, new Set()).filter((m) => m.exchangeId !== 'q1');
    await Promise.all([
      b.record(s2!, { kind: 'sent', httpStatus: 201, uuid: null }),
      b.record(f2!, { kind: 'failed', error: 'HTTP 400', httpStatus: 400 }),
      b.record(r2!, { kind: 'retry', error: 'HTTP 503', httpStatus: 503, nextAttemptAt: Date.now() + 60_000 }),
    ]);
    const ids = (state?: Parameters<Outbox['list']>[1]) => b.list(10, state).map((d) => d.exchangeId);
    expect(ids('sent')).toEqual(['s2', 's1']);
    expect(ids('failed')).toEqual(['f2', 'f1']);
    expect(ids('retrying')).toEqual(['r2', 'r1']);
    expect(ids('queued')).toEqual(['q2', 'q1']);
    expect(ids()).toEqual(['q2', 'r2', 'f2', 's2', 'q1', 'r1', 'f1', 's1']);
    expect(b.list(3, 'sent')).toHaveLength(2);
    expect(b.list(3)).toHaveLength(3);
  });

  it('keeps ids growing across restarts, so hand-out stays oldest first', async () => {
    const path = dbPath();
    const a = open(path);
    for (const id of ['a', 'b', 'c', 'd', 'e']) await a.enqueue(id, '{}');
    a.close();
    const b = open(path);
    await b.enqueue('f', '{}');
    const handed = b.due(Date.now(), 10, new Set());
    expect(handed.map((m) => m.exchangeId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(new Set(handed.map((m) => m.id)).size).toBe(6);
    expect(b.list(3).map((d) => d.exchangeId)).toEqual(['f', 'e', 'd']);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter and is capped', () => {
    expect(backoffMs(1, 1)).toBe(500);
    expect(backoffMs(2, 1)).toBe(1000);
    expect(backoffMs(3, 0)).toBe(1000);
    expect(backoffMs(50, 1)).toBe(BACKOFF_MAX_MS);
  });
});
