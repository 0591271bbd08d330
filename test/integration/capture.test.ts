// The real core in-process: real proxy sockets, real TLS with the app's CA,
// a strict collector, and a client that trusts only what it must.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startCollector, type Collector, type ReceivedMessage } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { BINARY, startUpstream, type Upstream } from '../support/upstream.js';

const TOKEN = 'test-token-abcd';
let upstream: Upstream;
let collector: Collector;
let app: App;
let ca: string;
let dataDir: string;
const recorded: ExchangeSummary[] = [];

function nextRecorded(url: string, timeoutMs = 10_000): Promise<ExchangeSummary> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      const hit = recorded.find((s) => s.url === url);
      if (hit) return resolve(hit);
      if (Date.now() > deadline) return reject(new Error(`${url} not recorded`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

async function messageFor(id: string): Promise<ReceivedMessage> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = collector.received.find((r) => r.unique_identifier === id);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no message for ${id}; rejected: ${JSON.stringify(collector.rejected)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'bkt' });
  dataDir = mkdtempSync(join(tmpdir(), 'proxyscope-capture-'));
  app = await startApp({
    dataDir,
    // Its own CA, not the tests' shared one: the last test checks the key files it made.
    caDir: join(dataDir, 'ca'),
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'bkt', access_token: TOKEN, api_endpoint: collector.url, log_body: false },
    limits: { maxBodyBytes: 64 * 1024, upstreamTimeout: 1500 },
  });
  ca = readFileSync(app.caPath, 'utf8');
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

describe('capture + forwarding (log_body off)', () => {
  it('captures an HTTP exchange and sends a message that matches it field by field', async () => {
    const url = `${upstream.httpUrl}/json?x=1`;
    const res = await viaProxy(app.proxyUrl, url, { headers: ['Host', new URL(url).host, 'X-Custom', 'One', 'x-custom', 'Two'] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ hello: 'world', path: '/json', query: '?x=1' });
    const s = await nextRecorded(url);
    expect(s).toMatchObject({ method: 'GET', status: 200, state: 'complete', delivery: 'queued' });
    const detail = (await app.service.handlers.getExchange({ id: s.id }))!;
    const m = await messageFor(s.id);
    expect(m.request.method).toBe('GET');
    expect(m.request.url).toBe(url);
    expect(m.request.headers['X-Custom']).toEqual(['One', 'Two']);
    expect(m.request.timestamp).toBeCloseTo(detail.timings.startedAt / 1000, 6);
    expect(m.response.status).toBe(200);
    expect(m.response.reason).toBe('OK');
    // Credentials leave redacted by default (redact_credentials), each value kept apart.
    expect(m.response.headers['set-cookie']).toEqual(['[redacted]', '[redacted]']);
    expect(m.response.size_bytes).toBe(res.body.length);
    expect(m.response.timestamp).toBeCloseTo(detail.timings.endedAt! / 1000, 6);
    expect(m.response.response_time).toBeCloseTo((detail.timings.endedAt! - detail.timings.startedAt) / 1000, 6);
    for (const part of [m.request, m.response] as Array<Record<string, unknown>>) {
      expect(part).not.toHaveProperty('body');
      expect(part).not.toHaveProperty('body_encoding');
      expect(part).not.toHaveProperty('form');
    }
    // The captured record keeps original case, order and repeats.
    expect(detail.request.headers.filter(([n]) => n.toLowerCase() === 'x-custom')).toEqual([['X-Custom', 'One'], ['x-custom', 'Two']]);
    expect(Buffer.from(detail.response!.body.base64, 'base64').equals(res.body)).toBe(true);
  });

  it('captures HTTPS through CONNECT with a certificate from the app CA', async () => {
    const url = `${upstream.httpsUrl}/json`;
    const res = await viaProxy(app.proxyUrl, url, { ca });
    expect(res.status).toBe(200);
    const s = await nextRecorded(url);
    const m = await messageFor(s.id);
    expect(m.request.url).toBe(url);
    expect(m.response.status).toBe(200);
  });

  it('refuses clients that do not trust the app CA (the certificate is really ours)', async () => {
    await expect(viaProxy(app.proxyUrl, `${upstream.httpsUrl}/json`, { ca: upstream.caPem })).rejects.toThrow(/certificate/i);
  });

  it('answers 502 with a reason when the upstream refuses, records it as failed, and forwards it', async () => {
    const url = 'http://127.0.0.1:1/nothing-listens';
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toMatch(/refused the connection/);
    const s = await nextRecorded(url);
    expect(s).toMatchObject({ state: 'failed', status: 502 });
    expect(s.error).toMatch(/refused/);
    expect((await messageFor(s.id)).response.status).toBe(502);
  });

  it('answers 504 when the upstream never answers within the configured deadline', async () => {
    const url = `${upstream.httpUrl}/hang`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.status).toBe(504);
    expect((await nextRecorded(url)).error).toMatch(/did not answer within 1500 ms/);
  });

  it('streams a body larger than the cap through untouched and notes the truncation', async () => {
    const n = 5 * 1024 * 1024 + 3;
    const url = `${upstream.httpUrl}/big?n=${n}`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.body.length).toBe(n);
    expect(res.headers['content-length']).toBe(String(n));
    const s = await nextRecorded(url);
    const detail = (await app.service.handlers.getExchange({ id: s.id }))!;
    expect(detail.response!.body).toMatchObject({ size: n, truncated: true });
    expect(Buffer.from(detail.response!.body.base64, 'base64').length).toBe(64 * 1024);
    expect((await messageFor(s.id)).response.size_bytes).toBe(n);
  });

  it('stores the CA private key readable by the user only', () => {
    expect(statSync(join(dataDir, 'ca', 'keys', 'ca.private.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'ca', 'keys', 'leaf.private.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'outbox.db')).mode & 0o077).toBe(0);
    expect(statSync(join(dataDir, 'sessions.db')).mode & 0o077).toBe(0);
  });
});

describe('export', () => {
  it('exports captured exchanges as HAR 1.2 with headers, bodies and timings', async () => {
    const url = `${upstream.httpUrl}/json?har=1`;
    await viaProxy(app.proxyUrl, url);
    const s = await nextRecorded(url);
    const all = await app.service.handlers.exportHar({});
    const one = await app.service.handlers.exportHar({ filter: 'url*="har=1"' });
    if (!one.ok || !all.ok) throw new Error('export refused');
    expect(one.count).toBe(1);
    expect(all.count).toBe((await app.service.handlers.listSessions(undefined)).find((x) => x.current)!.exchanges);
    expect(s.id).toBeTruthy();
    const har = JSON.parse(one.har);
    expect(har.log.version).toBe('1.2');
    const entry = har.log.entries[0];
    expect(entry.request).toMatchObject({ method: 'GET', url, queryString: [{ name: 'har', value: '1' }] });
    expect(entry.response.status).toBe(200);
    expect(entry.response.headers).toContainEqual({ name: 'set-cookie', value: 'a=1' });
    expect(JSON.parse(entry.response.content.text)).toEqual({ hello: 'world', path: '/json', query: '?har=1' });
    expect(entry.time).toBeGreaterThanOrEqual(0);
  });
});

describe('log_body on', () => {
  beforeAll(async () => {
    const r = await app.service.handlers.saveSettings({ log_body: true });
    expect(r.ok).toBe(true);
  });

  it('sends text bodies as text and urlencoded posts as form fields', async () => {
    const url = `${upstream.httpUrl}/echo`;
    await viaProxy(app.proxyUrl, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&a=2&b=h%C3%A9' });
    const m = await messageFor((await nextRecorded(url)).id);
    expect(m.request.body).toBe('a=1&a=2&b=h%C3%A9');
    expect(m.request.body_encoding).toBeUndefined();
    expect(m.request.form).toEqual({ a: ['1', '2'], b: 'hé' });
    expect(m.response.body).toBe('a=1&a=2&b=h%C3%A9');
  });

  it('sends binary bodies base64-encoded', async () => {
    const url = `${upstream.httpsUrl}/binary`;
    await viaProxy(app.proxyUrl, url, { ca });
    const m = await messageFor((await nextRecorded(url)).id);
    expect(m.response.body_encoding).toBe('base64');
    expect(Buffer.from(m.response.body!, 'base64').equals(BINARY)).toBe(true);
  });

  it('decodes gzip for the message while the client gets the bytes unchanged', async () => {
    const url = `${upstream.httpUrl}/gzip`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.body.equals(gzipSync('compressed hello'))).toBe(true);
    const m = await messageFor((await nextRecorded(url)).id);
    expect(m.response.body).toBe('compressed hello');
    expect(Object.keys(m.response.headers).map((h) => h.toLowerCase())).not.toContain('content-encoding');
  });
});

describe('the collector misbehaves', () => {
  it('marks a message failed on 400 and does not retry it; Retry sends it again', async () => {
    const url = `${upstream.httpUrl}/json?reject=1`;
    const before = collector.requests;
    collector.setMode('error-item');
    await viaProxy(app.proxyUrl, url);
    const s = await nextRecorded(url);
    const deadline = Date.now() + 10_000;
    while ((await app.service.handlers.getDelivery({ exchangeId: s.id }))?.state !== 'failed') {
      if (Date.now() > deadline) throw new Error('not failed');
      await new Promise((r) => setTimeout(r, 20));
    }
    const failed = (await app.service.handlers.getDelivery({ exchangeId: s.id }))!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, httpStatus: 200 });
    expect(failed.lastError).toMatch(/rejected the message/);
    expect(collector.requests - before).toBe(1);
    collector.setMode('ok');
    expect(await app.service.handlers.retryDelivery({ exchangeId: s.id })).toEqual({ ok: true });
    await messageFor(s.id);
    expect(await app.service.handlers.retryDelivery({ exchangeId: s.id })).toMatchObject({ ok: false });
  });

  it('pauses on 401 with "access token rejected" and resumes when settings change', async () => {
    collector.setMode('reject-auth');
    const url = `${upstream.httpUrl}/json?auth=1`;
    await viaProxy(app.proxyUrl, url);
    const s = await nextRecorded(url);
    const deadline = Date.now() + 10_000;
    while ((await app.service.handlers.getStatus(undefined)).forwardingNote !== 'access token rejected') {
      if (Date.now() > deadline) throw new Error('not paused');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await app.service.handlers.getStatus(undefined)).forwarding).toBe(false);
    collector.setMode('ok');
    await app.service.handlers.saveSettings({ access_token: TOKEN });
    await messageFor(s.id);
    expect((await app.service.handlers.getStatus(undefined)).forwarding).toBe(true);
  });
});
