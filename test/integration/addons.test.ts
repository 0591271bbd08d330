// A feature is one addon: tiny ones, defined here, tag, answer, drop and hold
// real exchanges through the real proxy; a redaction step keeps a secret out of
// everything that leaves for the collector, on disk included.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import type { Addon, Decision } from '../../electron/core/pipeline/addon.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'addons-token-1234';
const SECRET = 'Bearer never-leaves-1234';
let upstream: Upstream;
let collector: Collector;
let app: App;
let dataDir: string;
const recorded: ExchangeSummary[] = [];
const order: string[] = [];
let held: { release: (d: Decision) => void } | null = null;
let onHeld: (() => void) | null = null;

const tagger: Addon = {
  name: 'tagger',
  requestHeaders: (ex) => {
    ex.meta.tag = 'seen-by-tagger';
  },
  done: (ex) => order.push(`done ${ex.request.url}`),
  recorded: (ex) => order.push(`recorded ${ex.request.url}`),
};

const interceptor: Addon = {
  name: 'interceptor',
  intercept: (ex) => {
    const path = new URL(ex.request.url).pathname;
    if (path === '/mocked') return { answer: { status: 418, headers: [['X-Mock', 'one'], ['x-mock', 'two']], body: 'short and stout' } };
    if (path === '/status' && ex.request.url.includes('code=202')) return { drop: true };
    if (path === '/echo' && ex.request.url.includes('hold=1')) {
      return {
        hold: new Promise<Decision>((resolve) => {
          held = { release: resolve };
          onHeld?.();
        }),
      };
    }
    return undefined;
  },
};

const recordedFor = (url: string) => until(`${url} recorded`, () => recorded.find((s) => s.url === url));
const messageFor = (id: string) => until(`message for ${id}`, () => collector.received.find((m) => m.unique_identifier === id));

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'addons' });
  dataDir = mkdtempSync(join(tmpdir(), 'proxyscope-addons-'));
  app = await startApp({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    overrides: { bucket: 'addons', access_token: TOKEN, api_endpoint: collector.url, log_body: true },
    addons: [interceptor, tagger],
    redactions: [
      (s) => ({ ...s, request: { ...s.request, headers: s.request.headers.map(([n, v]) => [n, n.toLowerCase() === 'authorization' ? '[redacted]' : v]) } }),
    ],
  });
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

describe('addons', () => {
  it('an addon tags every exchange it sees; the tag is in the detail, and recorded follows done', async () => {
    const url = `${upstream.httpUrl}/json?tag=1`;
    await viaProxy(app.proxyUrl, url);
    const s = await recordedFor(url);
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.meta.tag).toBe('seen-by-tagger');
    expect(order.filter((o) => o.endsWith(url))).toEqual([`done ${url}`, `recorded ${url}`]);
  });

  it('an addon answers in place of the upstream; the answer is recorded and forwarded like any exchange', async () => {
    const url = `${upstream.httpUrl}/mocked`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.status).toBe(418);
    expect(res.body.toString()).toBe('short and stout');
    expect(res.rawHeaders.join('|')).toContain('X-Mock|one|x-mock|two');
    const s = await recordedFor(url);
    expect(s).toMatchObject({ status: 418, state: 'complete' });
    const m = await messageFor(s.id);
    expect(m.response).toMatchObject({ status: 418, headers: { 'X-Mock': ['one', 'two'] }, body: 'short and stout' });
  });

  it('an addon drops an exchange from recording: the client is answered, nothing is kept or forwarded', async () => {
    const dropped = `${upstream.httpUrl}/status?code=202`;
    const res = await viaProxy(app.proxyUrl, dropped);
    expect(res.status).toBe(202);
    // A later exchange delivered means the dropped one, earlier, would have been too.
    const after = `${upstream.httpUrl}/status?code=203`;
    await viaProxy(app.proxyUrl, after);
    await messageFor((await recordedFor(after)).id);
    const listed = await app.service.handlers.listExchanges({});
    expect(listed.map((e) => e.url)).not.toContain(dropped);
    expect(recorded.map((e) => e.url)).not.toContain(dropped);
    expect(collector.received.map((m) => m.request.url)).not.toContain(dropped);
  });

  it('an addon holds an exchange: the upstream is asked only once it lets go, and the request body arrives whole', async () => {
    const url = `${upstream.httpUrl}/echo?hold=1`;
    const payload = 'x'.repeat(200_000);
    const heldNow = new Promise<void>((r) => (onHeld = r));
    let answered = false;
    const response = viaProxy(app.proxyUrl, url, { method: 'POST', body: payload, headers: { 'content-type': 'text/plain' } }).then((r) => {
      answered = true;
      return r;
    });
    await heldNow;
    // Another exchange goes through meanwhile: holding one holds no other.
    await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?while=held`);
    expect(answered).toBe(false);
    expect(recorded.map((e) => e.url)).not.toContain(url);
    held!.release(undefined);
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(payload);
    const s = await recordedFor(url);
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.request.body.size).toBe(payload.length);
  });

  it('a redaction step keeps a secret out of the message and the outbox on disk; the exchange itself keeps it', async () => {
    const url = `${upstream.httpUrl}/json?secret=1`;
    await viaProxy(app.proxyUrl, url, { headers: { authorization: SECRET } });
    const s = await recordedFor(url);
    const m = await messageFor(s.id);
    expect(m.request.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(collector.received)).not.toContain('never-leaves');
    const onDisk = readdirSync(dataDir, { withFileTypes: true }).filter((f) => f.isFile() && f.name.startsWith('outbox')).map((f) => f.name).map((f) => readFileSync(join(dataDir, f)).toString('latin1'));
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk.join('')).toContain(s.id);
    expect(onDisk.join('')).not.toContain('never-leaves');
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.request.headers).toContainEqual(['authorization', SECRET]);
  });
});

describe('addons that start', () => {
  it('start together; when one fails, the app does not start, those that started are stopped, and the data dir is free again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxyscope-addon-start-'));
    const stopped: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slowStarted = new Promise<void>((r) => (releaseSlow = r));
    const slow: Addon = { name: 'slow', start: () => slowStarted, stop: () => void stopped.push('slow') };
    // It fails only once the slow one is under way: had starts run one after another, the slow one would still be waiting.
    const failing: Addon = {
      name: 'failing',
      start: async () => {
        releaseSlow();
        throw new Error('the failing addon cannot start');
      },
      stop: () => void stopped.push('failing'),
    };
    await expect(startApp({ dataDir: dir, port: 0, host: '127.0.0.1', addons: [slow, failing] })).rejects.toThrow('the failing addon cannot start');
    expect(stopped).toEqual(['slow']);
    const again = await startApp({ dataDir: dir, port: 0, host: '127.0.0.1' });
    await again.stop();
  });
});
