// Resend and Edit and send through the real proxy: the new exchange is
// captured (origin replay, linked to its original), forwarded like any other,
// and the upstream never sees the marker that links them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { REPLAY_HEADER } from '../../electron/core/addons/replay/replay.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'resend-token-1234';
let upstream: Upstream;
let collector: Collector;
let app: App;
const recorded: ExchangeSummary[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'resend' });
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-resend-')),
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'resend', access_token: TOKEN, api_endpoint: collector.url, log_body: true },
  });
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

const original = async (url: string, body: string) => {
  await viaProxy(app.proxyUrl, url, { method: 'POST', body, headers: { 'content-type': 'text/plain', 'x-trace': 'first' }, ca: (await app.service.handlers.exportCa(undefined)).pem });
  return until(`${url} recorded`, () => recorded.find((s) => s.url === url));
};
const lastReceived = () => upstream.received[upstream.received.length - 1]!;

describe('resend', () => {
  it.each(['http', 'https'])('sends an exchange again as it was, over %s: a new exchange of origin replay, linked, forwarded', async (scheme) => {
    const url = `${scheme === 'http' ? upstream.httpUrl : upstream.httpsUrl}/echo?resend=${scheme}`;
    const first = await original(url, 'hello again');
    const before = upstream.received.length;
    const r = await app.service.handlers.resendExchange({ id: first.id });
    if (!r.ok) throw new Error(r.error);
    expect(r).toMatchObject({ status: 200, error: null });
    expect(r.id).not.toBe(first.id);
    expect(upstream.received.length).toBe(before + 1);
    expect(lastReceived().body.toString()).toBe('hello again');
    expect(lastReceived().rawHeaders.map((h) => h.toLowerCase())).not.toContain(REPLAY_HEADER);
    const detail = await app.service.handlers.getExchange({ id: r.id });
    expect(detail).toMatchObject({ url, meta: { replayOf: first.id } });
    expect(detail!.request.headers.map(([n]) => n.toLowerCase())).not.toContain(REPLAY_HEADER);
    await until('the replay forwarded', () => collector.received.find((m) => m.unique_identifier === r.id));
  });

  it('edit and send: the upstream gets the changed header and body', async () => {
    const first = await original(`${upstream.httpUrl}/echo?edit=1`, 'as captured');
    const r = await app.service.handlers.resendExchange({ id: first.id, request: { headers: [['content-type', 'text/plain'], ['x-trace', 'edited']], body: 'as edited' } });
    if (!r.ok) throw new Error(r.error);
    expect(lastReceived().body.toString()).toBe('as edited');
    const sent = lastReceived().rawHeaders;
    expect(sent[sent.findIndex((h) => h.toLowerCase() === 'x-trace') + 1]).toBe('edited');
    expect((await app.service.handlers.getExchange({ id: r.id }))?.response?.body.base64).toBe(Buffer.from('as edited').toString('base64'));
  });

  it('says why it cannot: an unknown id, a URL that is not http(s)', async () => {
    expect(await app.service.handlers.resendExchange({ id: 'nope' })).toEqual({ ok: false, error: 'no exchange nope' });
    const first = await original(`${upstream.httpUrl}/echo?bad=1`, 'x');
    expect(await app.service.handlers.resendExchange({ id: first.id, request: { url: 'ftp://h/x' } })).toEqual({ ok: false, error: 'url: ftp://h/x is not an http(s) URL' });
  });
});
