// The proxy thread's side of the delivery worker (a real worker thread and
// outbox): ended exchanges cross in batches, larger ones while traffic is heavy.
// Fake timers drive this thread's batching delay; the worker keeps real time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryChannel } from '../../electron/core/runscope/deliveryChannel.js';
import type { ForwardCopy } from '../../electron/core/runscope/deliveryProtocol.js';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import type { EnqueueResult } from '../../electron/core/runscope/outbox.js';
import { RUNSCOPE_DEFAULTS } from '../../electron/core/settings/schema.js';
import { endedExchange } from '../support/exchanges.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function copy(id: string): ForwardCopy {
  return forwardCopy(endedExchange(id), false, []);
}

type Result = EnqueueResult | Error;

/** A channel whose enqueue(id) resolves with what onQueued reported for that exchange. */
async function startChannel(outboxMaxMessages = 1000) {
  const dir = mkdtempSync(join(tmpdir(), 'channel-'));
  const waiters = new Map<string, (r: Result) => void>();
  // No token: the worker commits messages and does not try to deliver them.
  const channel = await DeliveryChannel.start<string>(
    { outboxPath: join(dir, 'outbox.db'), limits: { outboxMaxMessages, outboxMaxBytes: 2 ** 24 }, settings: { ...RUNSCOPE_DEFAULTS } },
    { onQueued: (id, r) => waiters.get(id)?.(r), log: () => undefined, onDelivery: () => undefined, onStatusChange: () => undefined },
  );
  cleanups.push(() => channel.stop());
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const enqueue = (id: string) =>
    new Promise<Result>((resolve) => {
      waiters.set(id, resolve);
      channel.enqueue(copy(id), id);
    });
  return { channel, enqueue };
}

describe('DeliveryChannel', () => {
  it('posts ended exchanges after a few milliseconds when traffic is light', async () => {
    const { channel, enqueue } = await startChannel();
    const first = enqueue('a1');
    const second = enqueue('a2');
    expect(channel.batchesPosted).toBe(0);
    vi.advanceTimersByTime(5);
    expect(channel.batchesPosted).toBe(1);
    await expect(Promise.all([first, second])).resolves.toEqual(['queued', 'queued']);
    expect(channel.status.depth).toBe(2);
  });

  it('holds them longer and posts fewer, larger batches while traffic keeps the proxy busy', async () => {
    const { channel, enqueue } = await startChannel();
    channel.setBusy(true);
    const first = enqueue('b1');
    vi.advanceTimersByTime(20);
    const second = enqueue('b2');
    vi.advanceTimersByTime(20);
    expect(channel.batchesPosted).toBe(0);
    vi.advanceTimersByTime(10);
    expect(channel.batchesPosted).toBe(1);
    await expect(Promise.all([first, second])).resolves.toEqual(['queued', 'queued']);

    channel.setBusy(false);
    const third = enqueue('b3');
    vi.advanceTimersByTime(5);
    expect(channel.batchesPosted).toBe(2);
    await expect(third).resolves.toBe('queued');
  });

  it('tells each exchange its own outcome, across batches: committed, or refused by the bound', async () => {
    const { channel, enqueue } = await startChannel(300);
    const ids = Array.from({ length: 301 }, (_, i) => `c${i}`);
    const results = ids.map(enqueue);
    expect(channel.batchesPosted).toBe(1); // the first 256 at once
    vi.advanceTimersByTime(5);
    expect(channel.batchesPosted).toBe(2);
    expect(await Promise.all(results)).toEqual([...ids.slice(0, 300).map(() => 'queued'), 'full']);
  });

  it('once stopped, an exchange is told it was not queued', async () => {
    const { channel, enqueue } = await startChannel();
    await channel.stop();
    await expect(enqueue('late')).resolves.toMatchObject({ message: 'delivery is stopped' });
  });
});
