// The proxy thread's side of the session worker (a real worker thread and
// sessions.db): when the store falls far behind, new requests are held until it
// has caught up, and every exchange is still committed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionChannel } from '../../electron/core/addons/sessions/sessionChannel.js';
import type { SessionWorkerInit } from '../../electron/core/addons/sessions/sessionProtocol.js';
import { body, endedExchange, exchange } from '../support/exchanges.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startChannel(countSteps?: SessionWorkerInit['countSteps']) {
  const dir = mkdtempSync(join(tmpdir(), 'session-channel-'));
  const bound = { maxExchanges: 1_000_000, maxBytes: 2 ** 32 };
  let statusChanges = 0;
  const channel = await SessionChannel.start(
    { path: join(dir, 'sessions.db'), retention: bound, memoryRetention: bound, newSession: false, countSteps },
    { log: () => undefined, onStatusChange: () => statusChanges++, onSessions: () => undefined },
  );
  cleanups.push(() => channel.stop());
  return { channel, statusChanges: () => statusChanges };
}

describe('SessionChannel backpressure', () => {
  it('keeps up with a few exchanges: nothing is held', async () => {
    const { channel } = await startChannel();
    const settled = Array.from({ length: 10 }, (_, i) => new Promise((resolve) => channel.write(endedExchange(`few-${i}`), resolve)));
    expect(channel.backlog()).toBeNull();
    expect(await Promise.all(settled)).toEqual(Array(10).fill(null));
    expect(channel.holds).toBe(0);
  });

  it('holds new requests while 2,000 or more exchanges wait for the store, and lets them go once it caught up', async () => {
    const { channel, statusChanges } = await startChannel();
    const settled: Array<Promise<unknown>> = [];
    // Written in one turn: the worker cannot have answered any of them yet.
    for (let i = 0; i < 2500; i++) settled.push(new Promise((resolve) => channel.write(endedExchange(`many-${i}`), resolve)));
    const held = channel.backlog();
    expect(held).toBeInstanceOf(Promise);
    expect(channel.backlog()).toBe(held);
    expect(channel.holds).toBe(1);
    expect(statusChanges()).toBeGreaterThan(0);

    // The hold ends once the store caught up, or after its 2 s bound on a slow machine; either way it ends.
    await held;
    const results = await Promise.all(settled);
    expect(channel.backlog()).toBeNull();
    expect(results.filter((r) => r !== null)).toEqual([]);
    expect(channel.skipped).toBe(0);
    const count = await channel.query('count', { session: 'current' });
    expect(count).toMatchObject({ ok: true, matched: 2500 });
    // Body search's index follows in the background, and the status says when it has caught up.
    expect(channel.status.unindexed).toBeGreaterThan(0);
    await expect.poll(() => channel.status.unindexed, { timeout: 30_000, interval: 50 }).toBe(0);
  });
});

describe('SessionChannel queries', () => {
  it('answers a page asked while a long count runs, before the count', async () => {
    const { channel } = await startChannel({ stepRows: 10, commonAt: 5 });
    const written = Array.from(
      { length: 300 },
      (_, i) => new Promise((resolve) => channel.write(exchange({ id: `w-${i}`, startedAt: 1000 + i, resBody: body(`{"site":"warehouse ${i}"}`) }), resolve)),
    );
    await Promise.all(written);
    await expect.poll(() => channel.status.unindexed, { timeout: 30_000, interval: 50 }).toBe(0);
    const order: string[] = [];
    const count = channel.query('count', { session: 'current', filter: 'body*=warehouse' }).then((r) => (order.push('count'), r));
    const page = channel.query('page', { session: 'current', filter: 'body*=warehouse', limit: 5 }).then((r) => (order.push('page'), r));
    expect(await count).toEqual({ ok: true, matched: 300, total: 300 });
    expect(await page).toMatchObject({ ok: true, rows: [{ id: 'w-0' }, { id: 'w-1' }, { id: 'w-2' }, { id: 'w-3' }, { id: 'w-4' }] });
    expect(order).toEqual(['page', 'count']);
  });
});
