// The marks a rule sets on an exchange before it ends, through the real proxy,
// forward addon, worker and collector: `forward.skip` keeps it from the
// collector (stored and reported as usual, with no delivery state), and
// `forward.bucket` sends its message to another bucket.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverySummary, ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { FORWARD_BUCKET_META, FORWARD_SKIP_META } from '../../electron/core/flow/views.js';
import type { Addon } from '../../electron/core/pipeline/addon.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'marks-token-1234';
let upstream: Upstream;
let collector: Collector;
let app: App;
const recorded: ExchangeSummary[] = [];
/** The last delivery summary the app reported for each exchange. */
const deliveries = new Map<string, DeliverySummary>();

/** Stands in for the rules: marks by query parameter. */
const marker: Addon = {
  name: 'marker',
  requestHeaders: (ex) => {
    const query = new URL(ex.request.url).searchParams;
    if (query.has('skip')) ex.meta[FORWARD_SKIP_META] = true;
    const to = query.get('to');
    if (to !== null) ex.meta[FORWARD_BUCKET_META] = to;
  },
};

const recordedFor = (url: string) => until(`${url} recorded`, () => recorded.find((s) => s.url === url));
const arrivalFor = (id: string) => until(`message for ${id}`, () => collector.arrivals.find((a) => a.message.unique_identifier === id));

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'marks', buckets: ['marks-other'] });
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-marks-')),
    port: 0,
    host: '127.0.0.1',
    overrides: { bucket: 'marks', access_token: TOKEN, api_endpoint: collector.url },
    addons: [marker],
  });
  app.onExchange((s) => recorded.push(s));
  app.onDelivery((d) => deliveries.set(d.exchangeId, d));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

describe('forwarding marks', () => {
  it('a skip-marked exchange is stored and reported, never reaches the collector, and has no delivery state', async () => {
    const skipped = `${upstream.httpUrl}/json?skip=1`;
    await viaProxy(app.proxyUrl, skipped);
    const s = await recordedFor(skipped);
    expect(s).toMatchObject({ state: 'complete', delivery: null });
    // A later exchange delivered means the skipped one, earlier, would have been too.
    const after = `${upstream.httpUrl}/json?after=skip`;
    await viaProxy(app.proxyUrl, after);
    await arrivalFor((await recordedFor(after)).id);
    expect(collector.received.map((m) => m.unique_identifier)).not.toContain(s.id);
    expect(await app.service.handlers.getDelivery({ exchangeId: s.id })).toBeNull();
    expect((await app.service.handlers.listDeliveries({})).map((d) => d.exchangeId)).not.toContain(s.id);
    expect(await app.service.handlers.getExchange({ id: s.id })).toMatchObject({ delivery: null, meta: { [FORWARD_SKIP_META]: true } });
  });

  it("a bucket-marked exchange's message goes to that bucket; an unmarked one to the settings' bucket", async () => {
    const other = `${upstream.httpUrl}/json?to=marks-other`;
    const plain = `${upstream.httpUrl}/json?plain=1`;
    await viaProxy(app.proxyUrl, other);
    await viaProxy(app.proxyUrl, plain);
    const [o, p] = [await recordedFor(other), await recordedFor(plain)];
    expect((await arrivalFor(o.id)).bucket).toBe('marks-other');
    expect((await arrivalFor(p.id)).bucket).toBe('marks');
    await until('both sent', () => (deliveries.get(o.id)?.state === 'sent' && deliveries.get(p.id)?.state === 'sent') || undefined);
    expect(await app.service.handlers.getDelivery({ exchangeId: o.id })).toMatchObject({ state: 'sent', bucket: 'marks-other', postedTo: 'marks-other' });
    expect(await app.service.handlers.getDelivery({ exchangeId: p.id })).toMatchObject({ state: 'sent', bucket: null, postedTo: 'marks' });
  });
});
