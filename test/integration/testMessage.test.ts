// Settings' "Send test message" with the real core against the strict
// collector: sent (its status and uuid), the token refused, nowhere to send,
// and the collector down; nothing goes through the outbox.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import { startCollector, type Collector } from '../support/collector.js';

const TOKEN = 'test-message-token-1234';
let collector: Collector;
const apps: App[] = [];
const app = async (overrides: Record<string, unknown>) => {
  const a = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-test-message-')), port: 0, host: '127.0.0.1', overrides });
  apps.push(a);
  return a;
};

beforeAll(async () => {
  collector = await startCollector({ token: TOKEN, bucket: 'check' });
});
afterAll(async () => {
  for (const a of apps) await a.stop();
  await collector?.close();
});

describe('send test message', () => {
  it('POSTs one sample message with the saved settings and says what the collector answered', async () => {
    const a = await app({ bucket: 'check', access_token: TOKEN, api_endpoint: collector.url });
    const r = await a.service.handlers.sendTestMessage(undefined);
    expect(r).toMatchObject({ ok: true, httpStatus: 201, bucket: 'check', uuid: expect.any(String) });
    if (!r.ok) return;
    expect(collector.arrivals.map((x) => [x.bucket, x.message.unique_identifier])).toContainEqual(['check', r.id]);
    expect(collector.arrivals.find((x) => x.message.unique_identifier === r.id)!.message.request).toMatchObject({ method: 'GET', url: 'https://proxyscope.test/test-message' });
    // A check, not traffic: nothing in the outbox or the deliveries.
    expect(await a.service.handlers.listDeliveries({})).toEqual([]);
  });

  it('says why when it cannot: a refused token, no token saved, a collector that is not there', async () => {
    const refused = await app({ bucket: 'check', access_token: 'wrong-token-5678', api_endpoint: collector.url });
    expect(await refused.service.handlers.sendTestMessage(undefined)).toEqual({ ok: false, httpStatus: 401, error: 'access token rejected (HTTP 401)' });
    const unset = await app({ bucket: 'check' });
    expect(await unset.service.handlers.sendTestMessage(undefined)).toEqual({ ok: false, httpStatus: null, error: 'access_token is required: save one first' });
    const nowhere = await app({ bucket: 'check', access_token: TOKEN, api_endpoint: 'http://127.0.0.1:9', timeout: 2000 });
    expect(await nowhere.service.handlers.sendTestMessage(undefined)).toMatchObject({ ok: false, httpStatus: null, error: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:9: ECONNREFUSED/) });
  });
});
