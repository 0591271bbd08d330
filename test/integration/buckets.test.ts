// A bucket per message, through the real delivery worker, outbox and client,
// against the strict collector: each message arrives at its own bucket's path,
// a bad bucket fails its message alone, the bucket survives a restart, and a
// message without one follows the settings' bucket when it changes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliverySummary } from '../../electron/core/api.js';
import { DeliveryChannel } from '../../electron/core/runscope/deliveryChannel.js';
import type { ForwardCopy } from '../../electron/core/runscope/deliveryProtocol.js';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import { OUTBOX_SCHEMA_VERSION } from '../../electron/core/runscope/outboxSchema.js';
import { RUNSCOPE_DEFAULTS, type RunscopeSettings } from '../../electron/core/settings/schema.js';
import { Db } from '../../electron/core/sqliteDb.js';
import { startCollector, type Collector } from '../support/collector.js';
import { endedExchange } from '../support/exchanges.js';

const TOKEN = 'buckets-token-1234';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function copy(id: string, bucket?: string): ForwardCopy {
  const c = forwardCopy(endedExchange(id), false, []);
  return bucket === undefined ? c : { ...c, bucket };
}

async function collector(buckets: string[]): Promise<Collector> {
  const sink = await startCollector({ token: TOKEN, bucket: buckets[0]!, buckets: buckets.slice(1) });
  cleanups.push(() => sink.close());
  return sink;
}

const settingsFor = (sink: Collector, bucket: string): RunscopeSettings => ({ ...RUNSCOPE_DEFAULTS, bucket, access_token: TOKEN, api_endpoint: sink.url, timeout: 2000 });

/** A channel to a real worker; `deliveries` collects every summary it reports. */
async function channel(outboxPath: string, settings: RunscopeSettings) {
  const deliveries: DeliverySummary[] = [];
  const logged: string[] = [];
  const ch = await DeliveryChannel.start<string>(
    { outboxPath, limits: { outboxMaxMessages: 1000, outboxMaxBytes: 2 ** 24 }, settings },
    { onQueued: () => undefined, log: (l) => logged.push(l), onDelivery: (d) => deliveries.push(d), onStatusChange: () => undefined },
  );
  cleanups.push(() => ch.stop());
  return { ch, deliveries, logged };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = probe();
    if (hit !== undefined && hit !== false) return hit;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The last state reported for each exchange. */
const lastStates = (deliveries: DeliverySummary[]) => new Map(deliveries.map((d) => [d.exchangeId, d]));
const bucketsOf = (sink: Collector) => Object.fromEntries(sink.arrivals.map((a) => [a.message.unique_identifier, a.bucket]));
const outboxPath = () => join(mkdtempSync(join(tmpdir(), 'buckets-')), 'outbox.db');

describe('a bucket per message', () => {
  it("messages for two buckets queued together arrive each at its own bucket's path, one POST per bucket; a bad bucket fails its message alone", async () => {
    const sink = await collector(['main', 'other']);
    const { ch, deliveries } = await channel(outboxPath(), settingsFor(sink, 'main'));
    const copies = [copy('d1'), copy('o1', 'other'), copy('d2'), copy('o2', 'other'), copy('bad', 'a\nb'), copy('empty', ''), copy('nowhere', 'nowhere'), copy('d3')];
    copies.forEach((c) => ch.enqueue(c, c.exchange.id));
    await sink.waitFor(5);
    const states = await until('every message settled', () => {
      const last = lastStates(deliveries);
      return last.size === copies.length && [...last.values()].every((d) => d.state === 'sent' || d.state === 'failed') && last;
    });
    expect(bucketsOf(sink)).toEqual({ d1: 'main', d2: 'main', d3: 'main', o1: 'other', o2: 'other' });
    expect([...sink.posts].sort()).toEqual([2, 3]);
    expect(sink.rejected.map((r) => r.path)).toEqual(['/buckets/nowhere/messages']);
    expect(states.get('o1')).toMatchObject({ state: 'sent', bucket: 'other', postedTo: 'other' });
    expect(states.get('d1')).toMatchObject({ state: 'sent', bucket: null, postedTo: 'main' });
    expect(states.get('bad')).toMatchObject({ state: 'failed', bucket: 'a\nb', postedTo: null, attempts: 1, lastError: 'not sent: bucket must not contain control characters ("a\\nb")' });
    expect(states.get('empty')).toMatchObject({ state: 'failed', bucket: '', postedTo: null, lastError: 'not sent: bucket must not be empty ("")' });
    expect(states.get('nowhere')).toMatchObject({ state: 'failed', bucket: 'nowhere', postedTo: 'nowhere', httpStatus: 400 });
    const listed = await ch.query('list', { limit: 10 });
    expect(Object.fromEntries(listed.map((d) => [d.exchangeId, [d.bucket, d.postedTo]]))).toEqual({
      d1: [null, 'main'], d2: [null, 'main'], d3: [null, 'main'], o1: ['other', 'other'], o2: ['other', 'other'], bad: ['a\nb', null], empty: ['', null], nowhere: ['nowhere', 'nowhere'],
    });
    expect(await ch.query('get', { exchangeId: 'o2' })).toMatchObject({ bucket: 'other', postedTo: 'other', state: 'sent' });
  });

  it('the bucket survives a restart: queued while the collector is down, the outbox closed and reopened, then delivered to the right bucket', async () => {
    const sink = await collector(['main', 'other']);
    await sink.stop();
    const path = outboxPath();
    const first = await channel(path, settingsFor(sink, 'main'));
    for (const c of [copy('r-default'), copy('r-other', 'other')]) first.ch.enqueue(c, c.exchange.id);
    await until('both tried and retrying', () => {
      const last = lastStates(first.deliveries);
      return ['r-default', 'r-other'].every((id) => last.get(id)?.state === 'retrying');
    });
    await first.ch.stop();
    expect(sink.requests).toBe(0);

    await sink.start();
    const second = await channel(path, settingsFor(sink, 'main'));
    await sink.waitFor(2);
    expect(bucketsOf(sink)).toEqual({ 'r-default': 'main', 'r-other': 'other' });
    await until('both sent', () => ['r-default', 'r-other'].every((id) => lastStates(second.deliveries).get(id)?.state === 'sent'));
    expect(sink.rejected).toEqual([]);
  });

  it("a message without its own bucket follows the settings' bucket when it changes; one with its own keeps it", async () => {
    // The first bucket is not the collector's: had a message gone there, it would be in `rejected`.
    const sink = await collector(['second', 'other']);
    sink.setMode('reject-auth');
    const { ch, deliveries } = await channel(outboxPath(), settingsFor(sink, 'first'));
    for (const c of [copy('f-default'), copy('f-other', 'other')]) ch.enqueue(c, c.exchange.id);
    // A 401 pauses forwarding: nothing more is POSTed until the settings change.
    await until('paused', () => ch.status.pausedReason !== null && lastStates(deliveries).size === 2);
    expect([...lastStates(deliveries).values()].map((d) => d.state)).toEqual(['retrying', 'retrying']);
    expect(lastStates(deliveries).get('f-default')).toMatchObject({ bucket: null });

    sink.setMode('ok');
    ch.settingsChanged(settingsFor(sink, 'second'));
    await sink.waitFor(2);
    expect(bucketsOf(sink)).toEqual({ 'f-default': 'second', 'f-other': 'other' });
    expect(sink.rejected).toEqual([]);
    await until('both sent', () => ['f-default', 'f-other'].every((id) => lastStates(deliveries).get(id)?.state === 'sent'));
    expect(lastStates(deliveries).get('f-default')).toMatchObject({ bucket: null, postedTo: 'second' });
  });
});

describe('an outbox.db of another schema', () => {
  it('does not stop delivery: the file is left as it is, the outbox runs in memory, and the status says why', async () => {
    const sink = await collector(['main']);
    const path = outboxPath();
    const old = new Db(path);
    old.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; CREATE TABLE messages (id INTEGER PRIMARY KEY, exchange_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL); INSERT INTO messages VALUES (1, 'old', x'7b7d');");
    old.close();
    const { ch, logged } = await channel(path, settingsFor(sink, 'main'));
    const expected = `outbox not durable: cannot open ${path} (it has outbox schema 0, this version of Proxyscope writes ${OUTBOX_SCHEMA_VERSION}; it is left as it is: move it aside or delete it); messages are kept in memory only`;
    expect(ch.status.durabilityProblem).toBe(expected);
    expect(logged).toContain(expected);
    ch.enqueue(copy('in-memory', 'main'), 'in-memory');
    await sink.waitFor(1);
    expect(bucketsOf(sink)).toEqual({ 'in-memory': 'main' });
    await ch.stop();
    const reread = new Db(path);
    reread.exec('PRAGMA locking_mode=EXCLUSIVE;');
    expect(reread.all('SELECT exchange_id AS id FROM messages')).toEqual([{ id: 'old' }]);
    reread.close();
  });
});
