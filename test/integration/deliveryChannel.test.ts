// The proxy thread's side of the delivery worker (a real worker thread and
// outbox): ended exchanges cross in batches, larger ones while traffic is heavy.
// Fake timers drive this thread's batching delay; the worker keeps real time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryChannel } from '../../electron/core/runscope/deliveryChannel.js';
import type { ExchangeCopy } from '../../electron/core/runscope/deliveryProtocol.js';
import { RUNSCOPE_DEFAULTS } from '../../electron/core/settings/schema.js';
import { endedExchange } from '../support/endedExchange.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function copy(id: string): ExchangeCopy {
  const body = { size: 0, truncated: false };
  return { ...endedExchange(id), logBody: false, requestBody: body, responseBody: body };
}

async function startChannel(): Promise<DeliveryChannel> {
  const dir = mkdtempSync(join(tmpdir(), 'channel-'));
  // No token: the worker commits messages and does not try to deliver them.
  const channel = await DeliveryChannel.start(
    { outboxPath: join(dir, 'outbox.db'), limits: { outboxMaxMessages: 1000, outboxMaxBytes: 2 ** 24 }, settings: { ...RUNSCOPE_DEFAULTS } },
    { log: () => undefined, onDelivery: () => undefined, onStatusChange: () => undefined },
  );
  cleanups.push(() => channel.stop());
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  return channel;
}

describe('DeliveryChannel', () => {
  it('posts ended exchanges after a few milliseconds when traffic is light', async () => {
    const channel = await startChannel();
    const first = channel.enqueue(copy('a1'));
    const second = channel.enqueue(copy('a2'));
    expect(channel.batchesPosted).toBe(0);
    vi.advanceTimersByTime(5);
    expect(channel.batchesPosted).toBe(1);
    await expect(Promise.all([first, second])).resolves.toEqual(['queued', 'queued']);
    expect(channel.status.depth).toBe(2);
  });

  it('holds them longer and posts fewer, larger batches while traffic keeps the proxy busy', async () => {
    const channel = await startChannel();
    channel.setBusy(true);
    const first = channel.enqueue(copy('b1'));
    vi.advanceTimersByTime(20);
    const second = channel.enqueue(copy('b2'));
    vi.advanceTimersByTime(20);
    expect(channel.batchesPosted).toBe(0);
    vi.advanceTimersByTime(10);
    expect(channel.batchesPosted).toBe(1);
    await expect(Promise.all([first, second])).resolves.toEqual(['queued', 'queued']);

    channel.setBusy(false);
    const third = channel.enqueue(copy('b3'));
    vi.advanceTimersByTime(5);
    expect(channel.batchesPosted).toBe(2);
    await expect(third).resolves.toBe('queued');
  });
});
