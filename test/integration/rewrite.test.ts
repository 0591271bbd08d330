// The rewrite rule over real sockets: map remote to another local server
// (http, http→https, https→http), request headers set and removed as the
// upstream sees them, status and response headers as the client sees them,
// replaceBody on either side (a gzipped response too), both versions in the
// exchange's detail and in the session store, and the refusals: a body over
// the capture cap either way, an upstream the url cannot reach, each a 502
// naming the rule, recorded with that error, the proxy serving on.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeDetail, ExchangeSummary, PausedExchange, RuleInput } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const CAP = 64 * 1024;

/** What the second upstream saw of each request: it answers with it as JSON. */
interface Seen {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: string;
}

let upstream: Upstream;
let recorder: http.Server;
let recorderUrl: string;
const seen: Seen[] = [];
let closedPort: number;
let app: App;
let proxyCa: string;
const waiting = new Map<string, (s: ExchangeSummary) => void>();
const recorded = new Map<string, ExchangeSummary>();
const pauses = new Map<string, (p: PausedExchange) => void>();

const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** The exchange once it is recorded (stored and reported), by the URL the client asked for. */
function recordedFor(url: string): Promise<ExchangeSummary> {
  const done = recorded.get(url);
  return done ? Promise.resolve(done) : new Promise((resolve) => waiting.set(url, resolve));
}
async function detailFor(url: string): Promise<ExchangeDetail> {
  const s = await recordedFor(url);
  const d = await app.service.handlers.getExchange({ id: s.id });
  if (!d) throw new Error(`no detail for ${url}`);
  return d;
}
const text = (b: { base64: string } | null | undefined) => (b ? Buffer.from(b.base64, 'base64').toString() : null);
const header = (pairs: Array<[string, string]> | undefined, name: string) => pairs?.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

beforeAll(async () => {
  upstream = await startUpstream();
  recorder = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: pairs, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      if (s.url.startsWith('/chunked')) {
        // No Content-Length: the proxy learns the size only by reading past the cap.
        for (let i = 0; i < 4; i++) res.write(Buffer.alloc(CAP / 2, 0x61));
        return void res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(s));
    });
  });
  recorderUrl = `http://127.0.0.1:${await listen(recorder)}`;
  const closed = http.createServer();
  closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));

  const rules: RuleInput[] = [
    { name: 'to recorder', match: 'host=api.invalid', action: { type: 'rewrite', url: recorderUrl } },
    { name: 'new path', match: 'host=paths.invalid', action: { type: 'rewrite', url: `${recorderUrl}/v2/items?from=rule` } },
    { name: 'to https', match: 'host=secure.invalid', action: { type: 'rewrite', url: upstream.httpsUrl } },
    { name: 'to http', match: 'host=plain.invalid', action: { type: 'rewrite', url: recorderUrl } },
    {
      name: 'request headers',
      match: 'path^=/headers',
      action: { type: 'rewrite', setRequestHeaders: { 'X-Env': 'staging', 'user-agent': 'rewritten/1' }, removeRequestHeaders: ['Cookie'] },
    },
    {
      name: 'teapot',
      match: 'path=/json query*=teapot=1',
      action: { type: 'rewrite', status: 418, setResponseHeaders: { 'X-Rewritten': 'yes' }, removeResponseHeaders: ['Set-Cookie'] },
    },
    { name: 'free items', match: 'path=/echo query*=price=1', action: { type: 'rewrite', replaceBody: { pattern: '"price":\\s*\\d+', with: '"price": 0', on: 'request' } } },
    { name: 'no match', match: 'path=/json query*=nomatch=1', action: { type: 'rewrite', replaceBody: { pattern: 'zzz', with: 'y' } } },
    { name: 'bye', match: 'path=/gzip', action: { type: 'rewrite', replaceBody: { pattern: 'hello', with: 'bye', on: 'response' } } },
    { name: 'tls world', match: 'host=localhost path=/json', action: { type: 'rewrite', status: 201, replaceBody: { pattern: 'world', with: 'tls' } } },
    { name: 'big response', match: 'path=/big or path=/chunked', action: { type: 'rewrite', replaceBody: { pattern: 'a', with: 'b' } } },
    { name: 'big request', match: 'path=/upload', action: { type: 'rewrite', replaceBody: { pattern: 'a', with: 'b', on: 'request' } } },
    { name: 'pause', match: 'path=/paused', action: { type: 'breakpoint' } },
    { name: 'after pause', match: 'path=/paused', action: { type: 'rewrite', setRequestHeaders: { 'X-After': 'rewrite' }, replaceBody: { pattern: 'one', with: 'two', on: 'request' } } },
    { name: 'nowhere', match: 'host=gone.invalid', action: { type: 'rewrite', url: `http://127.0.0.1:${closedPort}` } },
  ];
  const checked = validateRules(rules);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const dir = mkdtempSync(join(tmpdir(), 'proxyscope-rewrite-'));
  app = await startApp({ dataDir: dir, port: 0, host: '127.0.0.1', upstreamCa: [upstream.caPem], limits: { maxBodyBytes: CAP, storeMaxExchanges: 1 }, rules: { rules: checked.rules, file: join(dir, 'rules.json') } });
  app.onExchange((s) => {
    recorded.set(s.url, s);
    waiting.get(s.url)?.(s);
  });
  app.service.subscribe((batch) => {
    for (const e of batch) if (e.type === 'paused') pauses.get(e.paused.request.url)?.(e.paused);
  });
  proxyCa = (await app.service.handlers.exportCa(undefined)).pem;
});

afterAll(async () => {
  await app?.stop();
  recorder?.closeAllConnections();
  await new Promise((r) => recorder?.close(r));
  await upstream?.close();
});

describe('rewrite', () => {
  it('maps the request to another server: it sees its own host, the client and the summary keep the URL asked for', async () => {
    const url = 'http://api.invalid/v1/items?x=1';
    const res = await viaProxy(app.proxyUrl, url, { headers: { 'x-client': 'yes' } });
    expect(res.status).toBe(200);
    const at = JSON.parse(res.body.toString()) as Seen;
    expect(at.url).toBe('/v1/items?x=1');
    expect(header(at.headers, 'host')).toEqual([new URL(recorderUrl).host]);
    expect(header(at.headers, 'x-client')).toEqual(['yes']);
    const d = await detailFor(url);
    expect(d).toMatchObject({ url, host: 'api.invalid', status: 200, error: null, meta: { rules: 'to recorder' } });
    expect(d.upstream).toMatchObject({ rules: ['to recorder'], request: { method: 'GET', url: `${recorderUrl}/v1/items?x=1`, body: null }, response: null });
    expect(header(d.upstream!.request!.headers, 'host')).toEqual([new URL(recorderUrl).host]);
    expect(header(d.request.headers, 'host')).toEqual(['api.invalid']);
  });

  it("takes the url's path and query when it gives them", async () => {
    const res = await viaProxy(app.proxyUrl, 'http://paths.invalid/v1/users?id=7');
    expect((JSON.parse(res.body.toString()) as Seen).url).toBe('/v2/items?from=rule');
  });

  it('maps http to https (the upstream verified with its CA), and an intercepted https request to http', async () => {
    const toTls = await viaProxy(app.proxyUrl, 'http://secure.invalid/json?up=tls');
    expect(toTls.status).toBe(200);
    expect(JSON.parse(toTls.body.toString())).toEqual({ hello: 'world', path: '/json', query: '?up=tls' });
    expect((await detailFor('http://secure.invalid/json?up=tls')).upstream?.request?.url).toBe(`${upstream.httpsUrl}/json?up=tls`);

    const toPlain = await viaProxy(app.proxyUrl, 'https://plain.invalid/from-tls', { ca: proxyCa });
    expect(toPlain.status).toBe(200);
    expect((JSON.parse(toPlain.body.toString()) as Seen).url).toBe('/from-tls');
    expect((await detailFor('https://plain.invalid/from-tls')).upstream?.request?.url).toBe(`${recorderUrl}/from-tls`);
  });

  it('sets and removes request headers as the upstream sees them; the detail holds both versions', async () => {
    const url = `${recorderUrl}/headers`;
    const res = await viaProxy(app.proxyUrl, url, { headers: { cookie: 'sid=1', 'user-agent': 'client/1' } });
    const at = JSON.parse(res.body.toString()) as Seen;
    expect(header(at.headers, 'x-env')).toEqual(['staging']);
    expect(header(at.headers, 'user-agent')).toEqual(['rewritten/1']);
    expect(header(at.headers, 'cookie')).toEqual([]);
    const d = await detailFor(url);
    expect(header(d.request.headers, 'cookie')).toEqual(['sid=1']);
    expect(header(d.request.headers, 'user-agent')).toEqual(['client/1']);
    expect(d.upstream?.request).toMatchObject({ url, body: null });
    expect(header(d.upstream?.request?.headers, 'user-agent')).toEqual(['rewritten/1']);
    expect(header(d.upstream?.request?.headers, 'cookie')).toEqual([]);
  });

  it("changes the status and response headers the client gets; the upstream's are kept", async () => {
    const url = `${upstream.httpUrl}/json?teapot=1`;
    const res = await viaProxy(app.proxyUrl, url);
    expect([res.status, res.statusMessage]).toEqual([418, "I'm a Teapot"]);
    expect(res.headers['x-rewritten']).toBe('yes');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toMatchObject({ hello: 'world' });
    const d = await detailFor(url);
    expect(d.response).toMatchObject({ status: 418, reason: "I'm a Teapot" });
    expect(header(d.response!.headers, 'set-cookie')).toEqual([]);
    expect(d.upstream?.request).toBeNull();
    expect(d.upstream?.response).toMatchObject({ status: 200, reason: 'OK', body: null });
    expect(header(d.upstream?.response?.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(JSON.parse(text(d.response!.body)!)).toMatchObject({ hello: 'world' });
    // The session store keeps both sides (read back once the memory cache, of one, has moved on); its filters see what the client saw.
    const next = `${upstream.httpUrl}/json?after=teapot`;
    await viaProxy(app.proxyUrl, next);
    await recordedFor(next);
    expect(await app.service.handlers.getExchange({ id: d.id })).toEqual(d);
    expect(await app.service.handlers.queryExchanges({ filter: 'status=418 query*=teapot=1' })).toMatchObject({ ok: true, rows: [{ id: d.id }] });
    expect(await app.service.handlers.queryExchanges({ filter: 'status=200 query*=teapot=1' })).toMatchObject({ ok: true, rows: [] });
  });

  it("replaces in the request body: the upstream gets the new body with its length, the client's is recorded", async () => {
    const url = `${upstream.httpUrl}/echo?price=1`;
    const sent = '{"item":"tea","price": 12}';
    const res = await viaProxy(app.proxyUrl, url, { method: 'POST', body: sent, headers: { 'content-type': 'application/json' } });
    expect(res.body.toString()).toBe('{"item":"tea","price": 0}');
    const d = await detailFor(url);
    expect(text(d.request.body)).toBe(sent);
    expect(text(d.upstream?.request?.body)).toBe('{"item":"tea","price": 0}');
    expect(header(d.upstream?.request?.headers, 'content-length')).toEqual(['25']);
    expect(header(d.request.headers, 'content-length')).toEqual([String(sent.length)]);

    // A chunked body goes whole, framed by its new length.
    const chunked = `${upstream.httpUrl}/echo?price=1&chunked=1`;
    const res2 = await viaProxy(app.proxyUrl, chunked, { method: 'POST', body: sent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    expect(res2.body.toString()).toBe('{"item":"tea","price": 0}');
    const d2 = await detailFor(chunked);
    expect(header(d2.request.headers, 'transfer-encoding')).toEqual(['chunked']);
    expect(header(d2.upstream?.request?.headers, 'transfer-encoding')).toEqual([]);
    expect(header(d2.upstream?.request?.headers, 'content-length')).toEqual(['25']);
  });

  it('replaces in a gzipped response body: the client gets it decoded, framed by its new length', async () => {
    const url = `${upstream.httpUrl}/gzip`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.body.toString()).toBe('compressed bye');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBe('14');
    const d = await detailFor(url);
    expect(text(d.response?.body)).toBe('compressed bye');
    expect(header(d.upstream?.response?.headers, 'content-encoding')).toEqual(['gzip']);
    expect(d.upstream?.response?.body?.size).toBeGreaterThan(0);
  });

  it('a replaceBody that matches nothing leaves the response as it came, and the exchange without an upstream side', async () => {
    const url = `${upstream.httpUrl}/json?nomatch=1`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(JSON.parse(res.body.toString())).toEqual({ hello: 'world', path: '/json', query: '?nomatch=1' });
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await detailFor(url)).toMatchObject({ status: 200, upstream: null, meta: { rules: 'no match' } });
  });

  it('rewrites an intercepted HTTPS exchange: status and body', async () => {
    const url = `${upstream.httpsUrl}/json?over=tls`;
    const res = await viaProxy(app.proxyUrl, url, { ca: proxyCa });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual({ hello: 'tls', path: '/json', query: '?over=tls' });
    const d = await detailFor(url);
    expect(d.upstream?.response).toMatchObject({ status: 200 });
    expect(JSON.parse(text(d.upstream?.response?.body)!)).toMatchObject({ hello: 'world' });
  });

  it('a response body over the capture cap: 502 naming the rule, the exchange records why; the proxy serves on', async () => {
    const url = `${upstream.httpUrl}/big?n=${CAP * 3}`;
    const res = await viaProxy(app.proxyUrl, url);
    const why = `rule "big response": the response body is larger than the capture cap (${CAP} bytes), so it cannot be rewritten`;
    expect(res.status).toBe(502);
    expect(res.body.toString()).toBe(`Proxyscope ${why}\n`);
    const d = await detailFor(url);
    expect(d).toMatchObject({ state: 'failed', error: why, response: { status: 502 } });
    // Declared larger than the cap, the body is not read at all.
    expect(d.upstream?.response).toMatchObject({ status: 200, body: { size: 0 } });
    expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/big?n=100`)).body.toString()).toBe('b'.repeat(100));

    // Not declared (chunked), it is read up to the cap.
    const chunked = `${recorderUrl}/chunked`;
    const res2 = await viaProxy(app.proxyUrl, chunked);
    expect([res2.status, res2.body.toString()]).toEqual([502, `Proxyscope ${why}\n`]);
    const d2 = await detailFor(chunked);
    expect(d2).toMatchObject({ error: why, response: { status: 502 }, upstream: { response: { status: 200, body: { truncated: true } } } });
    expect(d2.upstream!.response!.body!.size).toBeGreaterThan(CAP);
    expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?after=chunked`)).status).toBe(200);
  });

  it('a request body over the capture cap: 502 naming the rule before anything goes upstream; the proxy serves on', async () => {
    const url = `${recorderUrl}/upload`;
    const before = seen.length;
    const res = await viaProxy(app.proxyUrl, url, { method: 'POST', body: 'a'.repeat(CAP + 1) });
    const why = `rule "big request": the request body is larger than the capture cap (${CAP} bytes), so it cannot be rewritten`;
    expect([res.status, res.body.toString()]).toEqual([502, `Proxyscope ${why}\n`]);
    expect(await detailFor(url)).toMatchObject({ error: why, upstream: null, response: { status: 502 } });
    expect(seen.length).toBe(before);
    const small = await viaProxy(app.proxyUrl, `${recorderUrl}/upload?small=1`, { method: 'POST', body: 'aaa' });
    expect((JSON.parse(small.body.toString()) as Seen).body).toBe('bbb');
  });

  it('after a breakpoint: the rewrite applies to the request as it was resumed, its body read by the pause', async () => {
    const url = `${recorderUrl}/paused`;
    const paused = new Promise<PausedExchange>((resolve) => pauses.set(url, resolve));
    const reply = viaProxy(app.proxyUrl, url, { method: 'POST', body: 'one' });
    const p = await paused;
    expect(await app.service.handlers.resumePaused({ id: p.id, request: { body: 'one, edited' } })).toEqual({ ok: true });
    const at = JSON.parse((await reply).body.toString()) as Seen;
    expect(at.body).toBe('two, edited');
    expect(header(at.headers, 'x-after')).toEqual(['rewrite']);
    const d = await detailFor(url);
    expect(text(d.request.body)).toBe('one, edited'); // a breakpoint records its edit as the request
    expect(d.upstream).toMatchObject({ rules: ['after pause'], request: { url } });
    expect(text(d.upstream?.request?.body)).toBe('two, edited');
  });

  it('an upstream the url cannot reach: 502 naming the rule and where it went', async () => {
    const url = 'http://gone.invalid/x';
    const res = await viaProxy(app.proxyUrl, url);
    const why = `rule "nowhere": upstream refused the connection (127.0.0.1:${closedPort})`;
    expect(res.status).toBe(502);
    expect(res.body.toString()).toBe(`Proxyscope: ${why}\n`);
    const d = await detailFor(url);
    expect(d).toMatchObject({ error: why, upstream: { request: { url: `http://127.0.0.1:${closedPort}/x` } } });
    expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?after=nowhere`)).status).toBe(200);
  });
});
