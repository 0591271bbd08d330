// The delivery policy against the strict collector: while user traffic keeps
// the proxy busy, one message at a time; past the catch-up depth, full speed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunscopeClient } from '../../electron/core/runscope/client.js';
import { Forwarder } from '../../electron/core/runscope/forwarder.js';
import { toRunscopeMessage } from '../../electron/core/runscope/message.js';
import { Outbox } from '../../electron/core/runscope/outbox.js';
import { RUNSCOPE_DEFAULTS } from '../../electron/core/settings/schema.js';
import { CapturedBody } from '../../electron/core/store/exchange.js';
import { startCollector, type Collector } from '../support/collector.js';
import { endedExchange } from '../support/endedExchange.js';

const TOKEN = 'forwarder-token-1234';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function message(id: string): string {
  return JSON.stringify(toRunscopeMessage({ ...endedExchange(id), requestBody: new CapturedBody(0), responseBody: new CapturedBody(0) }, false));
}

async function setup(catchUpDepth: number) {
  const sink: Collector = await startCollector({ token: TOKEN, bucket: 'fwd' });
  sink.setReplyDelay(20);
  const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'fwd-')), 'outbox.db'), { maxMessages: 10_000, maxBytes: 2 ** 26 });
  const client = new RunscopeClient();
  const state = { busy: true };
  const forwarder = new Forwarder({
    outbox,
    client,
    settings: () => ({ ...RUNSCOPE_DEFAULTS, bucket: 'fwd', access_token: TOKEN, api_endpoint: sink.url }),
    busy: () => state.busy,
    catchUpDepth,
    onDelivery: () => undefined,
    onStatusChange: () => undefined,
  });
  cleanups.push(() => sink.close(), () => outbox.close(), () => client.close(), () => forwarder.stop());
  return { sink, outbox, forwarder, state };
}

async function delivered(sink: Collector, count: number): Promise<void> {
  await sink.waitFor(count, 30_000);
}

describe('Forwarder while user traffic keeps the proxy busy', () => {
  it('sends one message at a time below the catch-up depth', async () => {
    const { sink, outbox, forwarder } = await setup(1000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => outbox.enqueue(`b${i}`, message(`b${i}`))));
    forwarder.kick();
    await delivered(sink, 20);
    expect(sink.maxConcurrent).toBe(1);
  });

  it('goes full speed past the catch-up depth, and when traffic quietens', async () => {
    const { sink, outbox, forwarder, state } = await setup(50);
    await Promise.all(Array.from({ length: 120 }, (_, i) => outbox.enqueue(`c${i}`, message(`c${i}`))));
    forwarder.kick();
    await delivered(sink, 60);
    expect(sink.maxConcurrent).toBeGreaterThan(1);

    // Below the depth now (the last full-speed attempts have settled): one at a time again.
    await delivered(sink, 90);
    sink.resetConcurrency();
    await delivered(sink, 100);
    expect(sink.maxConcurrent).toBe(1);

    state.busy = false;
    forwarder.kick();
    await delivered(sink, 120);
    expect(sink.maxConcurrent).toBeGreaterThan(1);
  });
});
