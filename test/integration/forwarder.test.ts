// The delivery policy against the strict collector: several messages per POST;
// while user traffic keeps the proxy busy, none below the catch-up depth, full
// speed past it; a collector that refuses lists gets one message per POST.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunscopeClient } from '../../electron/core/runscope/client.js';
import { BATCH_MAX_MESSAGES, Forwarder } from '../../electron/core/runscope/forwarder.js';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import { toRunscopeMessage } from '../../electron/core/runscope/message.js';
import { Outbox } from '../../electron/core/runscope/outbox.js';
import { messageTextOf, storedFormOf } from '../../electron/core/runscope/storedMessage.js';
import { RUNSCOPE_DEFAULTS } from '../../electron/core/settings/schema.js';
import { startCollector, type Collector } from '../support/collector.js';
import { body, endedExchange } from '../support/exchanges.js';

const TOKEN = 'forwarder-token-1234';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function message(id: string): string {
  return JSON.stringify(toRunscopeMessage(endedExchange(id), false));
}

async function setup(opts: { catchUpDepth: number; busy: boolean; singleOnly?: boolean; maxInFlight?: number; render?: (stored: string) => string }) {
  const sink: Collector = await startCollector({ token: TOKEN, bucket: 'fwd', singleOnly: opts.singleOnly });
  sink.setReplyDelay(20);
  const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'fwd-')), 'outbox.db'), { maxMessages: 10_000, maxBytes: 2 ** 26 });
  const client = new RunscopeClient();
  const state = { busy: opts.busy };
  const logged: string[] = [];
  const forwarder = new Forwarder({
    outbox,
    client,
    settings: () => ({ ...RUNSCOPE_DEFAULTS, bucket: 'fwd', access_token: TOKEN, api_endpoint: sink.url }),
    busy: () => state.busy,
    catchUpDepth: opts.catchUpDepth,
    maxInFlight: opts.maxInFlight,
    render: opts.render,
    log: (line) => logged.push(line),
    onDelivery: () => undefined,
    onStatusChange: () => undefined,
  });
  cleanups.push(() => sink.close(), () => outbox.close(), () => client.close(), () => forwarder.stop());
  const enqueue = (prefix: string, count: number) => Promise.all(Array.from({ length: count }, (_, i) => outbox.enqueue(`${prefix}${i}`, message(`${prefix}${i}`))));
  return { sink, outbox, forwarder, state, logged, enqueue };
}

async function delivered(sink: Collector, count: number): Promise<void> {
  await sink.waitFor(count, 30_000);
}

async function settled(outbox: Outbox, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (outbox.depth > 0 || Object.values(outbox.countByState()).reduce((a, b) => a + b, 0) < count) {
    if (Date.now() > deadline) throw new Error(`outbox not settled: ${JSON.stringify(outbox.countByState())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Forwarder batches', () => {
  it('sends the messages that are due as one JSON list per POST and records each result', async () => {
    const { sink, outbox, forwarder, enqueue } = await setup({ catchUpDepth: 10_000, busy: false });
    await enqueue('a', 120);
    forwarder.kick();
    await delivered(sink, 120);
    await settled(outbox, 120);
    expect(sink.rejected).toEqual([]);
    expect(sink.posts.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.max(...sink.posts)).toBe(BATCH_MAX_MESSAGES);
    expect(sink.posts.length).toBeLessThan(10);
    expect(outbox.countByState()).toMatchObject({ sent: 120, queued: 0, failed: 0 });
    const uuids = Array.from({ length: 120 }, (_, i) => outbox.get(`a${i}`)?.runscopeUuid);
    expect(new Set(uuids).size).toBe(120);
    expect(uuids.every((u) => typeof u === 'string')).toBe(true);
  });

  it('fails only the message the collector rejects in a list; the rest of its POST is sent', async () => {
    const { sink, outbox, forwarder, enqueue } = await setup({ catchUpDepth: 10_000, busy: false });
    sink.rejectIds.add('r3');
    await enqueue('r', 10);
    forwarder.kick();
    await delivered(sink, 9);
    await settled(outbox, 10);
    expect(sink.posts).toEqual([10]);
    expect(outbox.countByState()).toMatchObject({ sent: 9, failed: 1, queued: 0, retrying: 0 });
    expect(outbox.get('r3')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(outbox.get('r3')?.lastError).toMatch(/rejected on purpose/);
    expect(forwarder.lastError).toMatch(/rejected on purpose/);
  });

  it('sends stored exchange copies as the messages built from them; one that cannot be built fails alone', async () => {
    const { sink, outbox, forwarder } = await setup({ catchUpDepth: 10_000, busy: false, render: messageTextOf });
    const copies = Array.from({ length: 10 }, (_, i) => {
      const e = endedExchange(`c${i}`);
      e.request.body = body('hi');
      return forwardCopy(e, true, []);
    });
    await Promise.all([...copies.map((c) => outbox.enqueue(c.exchange.id, storedFormOf(c))), outbox.enqueue('broken', '[not json')]);
    forwarder.kick();
    await delivered(sink, 10);
    await settled(outbox, 11);
    expect(sink.rejected).toEqual([]);
    expect(sink.received.map((m) => m.unique_identifier).sort()).toEqual(copies.map((c) => c.exchange.id).sort());
    expect(sink.received.every((m) => m.request.body === 'hi')).toBe(true);
    expect(outbox.get('broken')).toMatchObject({ state: 'failed' });
    expect(outbox.get('broken')?.lastError).toMatch(/message not built/);
  });

  it('falls back to one message per POST when the collector refuses a list, and loses nothing', async () => {
    const { sink, outbox, forwarder, logged, enqueue } = await setup({ catchUpDepth: 10_000, busy: false, singleOnly: true });
    await enqueue('s', 30);
    forwarder.kick();
    await delivered(sink, 30);
    await settled(outbox, 30);
    expect(sink.rejected.map((r) => r.reason)).toEqual(['expected one message object, got a list']);
    expect(sink.posts).toEqual(Array.from({ length: 30 }, () => 1));
    expect(outbox.countByState()).toMatchObject({ sent: 30, failed: 0 });
    expect(Array.from({ length: 30 }, (_, i) => outbox.get(`s${i}`)?.attempts)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(logged.join('\n')).toMatch(/one message per POST/);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });
});

describe('Forwarder while user traffic keeps the proxy busy', () => {
  /** Lets a kick() run its pump (scheduled with setImmediate, so it runs before this resolves). */
  const pumped = () => new Promise((r) => setImmediate(r));

  /** Waits until no POST is open, and none is started by the pump the last one kicked (polled, with a deadline). */
  async function idle(forwarder: Forwarder): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await pumped();
      // The last POST's end kicked a pump that may be queued behind the check above: let it run, then look again.
      if (forwarder.openPosts === 0 && (await pumped(), forwarder.openPosts === 0)) return;
      if (Date.now() > deadline) throw new Error(`${forwarder.openPosts} POSTs still open`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('holds delivery below the catch-up depth, and delivers everything once traffic quietens', async () => {
    const { sink, outbox, forwarder, state, enqueue } = await setup({ catchUpDepth: 1000, busy: true });
    await enqueue('b', 120);
    forwarder.kick();
    await pumped();
    expect(forwarder.openPosts).toBe(0);
    expect(sink.requests).toBe(0);
    expect(outbox.depth).toBe(120);

    state.busy = false;
    forwarder.kick();
    await delivered(sink, 120);
    expect(sink.maxConcurrent).toBeGreaterThan(1);
  });

  it('goes full speed past the catch-up depth, holds again below it, and resumes when traffic quietens', async () => {
    // 4 POSTs of 50 at most at full speed: at most 200 messages overshoot the depth.
    const { sink, outbox, forwarder, state, enqueue } = await setup({ catchUpDepth: 600, busy: true, maxInFlight: 4 });
    await enqueue('c', 2000);
    forwarder.kick();
    await delivered(sink, 300);
    expect(sink.maxConcurrent).toBeGreaterThan(1);

    // At the depth once 1400 are recorded (2000 - 600); the POSTs open then end by 1650, and no more start.
    await delivered(sink, 1400);
    await idle(forwarder);
    const held = sink.received.length;
    expect(held).toBeGreaterThanOrEqual(1400);
    expect(held).toBeLessThanOrEqual(1650);
    expect(outbox.depth).toBe(2000 - held);
    forwarder.kick();
    await pumped();
    expect(forwarder.openPosts).toBe(0);

    state.busy = false;
    forwarder.kick();
    await delivered(sink, 2000);
    expect(sink.received.length).toBe(2000);
  });
});
