// The delivery worker starts when forwarding needs it: with forwarding off on a
// fresh data dir there is no outbox and delivery queries answer empty; saving a
// bucket and token starts it and the next exchange is delivered; a later run on
// that dir with forwarding off still opens the outbox, so its history shows.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';
import { until } from '../support/until.js';

const TOKEN = 'on-demand-token-1234';
const upstream = upstreamForSuite();
let collector: Collector;
const dataDir = mkdtempSync(join(tmpdir(), 'proxyscope-on-demand-'));
const outboxPath = join(dataDir, 'outbox.db');
let app: App | null = null;
let deliveredId = '';

async function run(overrides: Record<string, unknown>): Promise<{ app: App; recorded: ExchangeSummary[] }> {
  await app?.stop();
  app = await startApp({ dataDir, port: 0, host: '127.0.0.1', overrides });
  const recorded: ExchangeSummary[] = [];
  app.onExchange((s) => recorded.push(s));
  return { app, recorded };
}

const fetchVia = async (a: App, recorded: ExchangeSummary[], path: string) => {
  const url = `${upstream().httpUrl}${path}`;
  expect((await viaProxy(a.proxyUrl, url)).status).toBe(200);
  return until(`${path} recorded`, () => recorded.find((s) => s.url === url));
};

beforeAll(async () => {
  collector = await startCollector({ token: TOKEN, bucket: 'on-demand' });
});
afterAll(async () => {
  await app?.stop();
  await collector?.close();
});

describe('delivery worker on demand', () => {
  it('has no outbox while forwarding is off, and starts one when a bucket and token are saved', async () => {
    const { app: a, recorded } = await run({});
    const first = await fetchVia(a, recorded, '/json?before-forwarding');
    expect(existsSync(outboxPath)).toBe(false);
    expect(await a.service.handlers.listDeliveries({})).toEqual([]);
    expect(await a.service.handlers.getDelivery({ exchangeId: first.id })).toBeNull();
    expect(await a.service.handlers.retryDelivery({ exchangeId: first.id })).toEqual({ ok: false, error: 'only a failed message can be retried' });
    expect(await a.service.handlers.getStatus(undefined)).toMatchObject({ forwarding: false, outboxDepth: 0, forwardingNote: 'forwarding off: no bucket and no access token' });

    const saved = await a.service.handlers.saveSettings({ bucket: 'on-demand', access_token: TOKEN, api_endpoint: collector.url });
    expect(saved.ok).toBe(true);
    const second = await fetchVia(a, recorded, '/json?after-forwarding');
    await until('message delivered', () => collector.arrivals.find((x) => x.message.unique_identifier === second.id));
    expect(existsSync(outboxPath)).toBe(true);
    expect(collector.arrivals.map((x) => x.message.unique_identifier)).not.toContain(first.id);
    deliveredId = second.id;
    await until('delivery listed as sent', async () => (await a.service.handlers.getDelivery({ exchangeId: second.id }))?.state === 'sent');
  });

  it('opens an existing outbox on the next run even with forwarding off, so its deliveries stay visible', async () => {
    const { app: a } = await run({ bucket: '' });
    expect(await a.service.handlers.getStatus(undefined)).toMatchObject({ forwarding: false, forwardingNote: 'forwarding off: bucket is required' });
    const listed = await until('earlier delivery listed', async () => {
      const all = await a.service.handlers.listDeliveries({});
      return all.length > 0 ? all : undefined;
    });
    expect(listed.map((d) => [d.exchangeId, d.state])).toEqual([[deliveredId, 'sent']]);
  });
});
