// Breakpoint rules over the real proxy and a real upstream on 127.0.0.1: a
// paused request waits while other traffic goes on, and is resumed as edited
// (the upstream sees the edit), answered by the user (the upstream is never
// asked) or dropped (the client's connection closes); a paused response is
// edited before the client gets it; the timeout resumes unedited; HTTPS too.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEvent, ExchangeSummary, PausedExchange, PauseOutcome, RuleInput } from '../../electron/core/api.js';
import { parseCommand } from '../../electron/core/apiSchemas.js';
import { startApp, type App } from '../../electron/core/app.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';
import { viaProxy, type ProxiedResponse } from '../support/proxyClient.js';
import { startUpstream, type ReceivedRequest, type Upstream } from '../support/upstream.js';

const RULES: RuleInput[] = [
  { name: 'pause echo', match: 'path=/echo query*=bp=req', action: { type: 'breakpoint' } },
  { name: 'pause answer', match: 'path=/json query*=bp=res', action: { type: 'breakpoint', on: 'response' } },
  { name: 'pause both', match: 'query*=bp=both', action: { type: 'breakpoint', on: 'both' } },
  { name: 'pause big answers', match: 'path=/big', action: { type: 'breakpoint', on: 'response' } },
];

/** One app and what it tells: recorded exchanges, and pause events as they come. */
interface Harness {
  app: App;
  recorded: ExchangeSummary[];
  paused(url: string, phase?: PausedExchange['phase']): Promise<PausedExchange>;
  unpaused(id: string): Promise<PauseOutcome>;
  recordedFor(url: string): Promise<ExchangeSummary>;
}

async function harness(breakpointTimeout: number): Promise<Harness> {
  const checked = validateRules(RULES);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const dir = mkdtempSync(join(tmpdir(), 'proxyscope-breakpoints-'));
  const app = await startApp({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    limits: { breakpointTimeout, maxBodyBytes: 64 * 1024 },
    rules: { rules: checked.rules, file: join(dir, 'rules.json') },
  });
  const recorded: ExchangeSummary[] = [];
  const events: CoreEvent[] = [];
  const waiting = new Set<() => void>();
  app.onExchange((s) => {
    recorded.push(s);
    waiting.forEach((w) => w());
  });
  app.service.subscribe((batch) => {
    events.push(...batch);
    waiting.forEach((w) => w());
  });
  /** Resolves with what `probe` finds, checked on every event and exchange. */
  const when = <T>(what: string, probe: () => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`${what}: not within 10 s`));
      }, 10_000);
      const check = () => {
        const hit = probe();
        if (hit === undefined) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      waiting.add(check);
      check();
    });
  return {
    app,
    recorded,
    paused: (url, phase = 'request') =>
      when(`${url} paused at its ${phase}`, () => {
        for (const e of events) if (e.type === 'paused' && e.paused.request.url === url && e.paused.phase === phase) return e.paused;
        return undefined;
      }),
    unpaused: (id) =>
      when(`${id} unpaused`, () => {
        for (const e of events) if (e.type === 'unpaused' && e.id === id) return e.outcome;
        return undefined;
      }),
    recordedFor: (url) => when(`${url} recorded`, () => recorded.find((s) => s.url === url)),
  };
}

let upstream: Upstream;
let h: Harness;
let ca: string;

const header = (raw: string[], name: string) => raw.find((_, i) => i % 2 === 0 && raw[i]!.toLowerCase() === name) && raw[raw.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === name) + 1];
const receivedAt = (path: string): ReceivedRequest[] => upstream.received.filter((r) => r.url === path);
const tracked = (p: Promise<ProxiedResponse>) => {
  const state = { settled: false };
  void p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
};

beforeAll(async () => {
  upstream = await startUpstream();
  h = await harness(60_000);
  ca = (await h.app.service.handlers.exportCa(undefined)).pem;
});

afterAll(async () => {
  await h?.app.stop();
  await upstream?.close();
});

describe('breakpoints', () => {
  it.each(['http', 'https'])('a paused request waits, other traffic does not; resumed with a header and the body edited, the upstream gets the edit (%s)', async (scheme) => {
    const base = scheme === 'http' ? upstream.httpUrl : upstream.httpsUrl;
    const url = `${base}/echo?bp=req&scheme=${scheme}`;
    const response = viaProxy(h.app.proxyUrl, url, { method: 'POST', body: 'original body', headers: { 'content-type': 'text/plain', 'x-test': 'original' }, ca });
    const seen = tracked(response);
    const paused = await h.paused(url);
    expect(paused).toMatchObject({ phase: 'request', rule: 'pause echo', response: null, request: { method: 'POST', url } });
    expect(Buffer.from(paused.request.body.base64, 'base64').toString()).toBe('original body');
    expect(await h.app.service.handlers.listPaused(undefined)).toContainEqual(paused);

    // Another exchange goes through meanwhile.
    expect((await viaProxy(h.app.proxyUrl, `${base}/json?while=${scheme}`, { ca })).status).toBe(200);
    expect(seen.settled).toBe(false);
    const path = new URL(url).pathname + new URL(url).search;
    expect(receivedAt(path)).toEqual([]);

    const headers = paused.request.headers.map(([n, v]): [string, string] => [n, n.toLowerCase() === 'x-test' ? 'edited' : v]);
    expect(await h.app.service.handlers.resumePaused({ id: paused.id, request: { headers, body: 'the edited body' } })).toEqual({ ok: true });
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('the edited body');
    const got = receivedAt(path);
    expect(got).toHaveLength(1);
    expect(header(got[0]!.rawHeaders, 'x-test')).toBe('edited');
    expect(header(got[0]!.rawHeaders, 'content-length')).toBe(String('the edited body'.length));
    expect(await h.unpaused(paused.id)).toBe('edited');

    const s = await h.recordedFor(url);
    const detail = await h.app.service.handlers.getExchange({ id: s.id });
    expect(detail?.meta).toMatchObject({ 'rule.breakpoint': 'pause echo', 'rule.breakpoint.request': 'edited', rules: 'pause echo' });
    expect(detail?.request.headers).toContainEqual(['x-test', 'edited']);
    expect(Buffer.from(detail!.request.body.base64, 'base64').toString()).toBe('the edited body');
    expect(await h.app.service.handlers.resumePaused({ id: paused.id })).toEqual({ ok: false, error: `exchange ${paused.id} is not paused` });
  });

  it('the method and URL can change too; resumed as it was, the request goes exactly as it came', async () => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=method`;
    const response = viaProxy(h.app.proxyUrl, url, { method: 'POST', body: 'kept', headers: { 'content-type': 'text/plain' } });
    const paused = await h.paused(url);
    const moved = `${upstream.httpUrl}/echo?bp=req&n=moved`;
    expect(await h.app.service.handlers.resumePaused({ id: paused.id, request: { method: 'PUT', url: moved } })).toEqual({ ok: true });
    expect((await response).body.toString()).toBe('kept');
    expect(receivedAt('/echo?bp=req&n=moved')).toMatchObject([{ method: 'PUT', body: Buffer.from('kept') }]);
    expect(await h.recordedFor(moved)).toMatchObject({ method: 'PUT', status: 200 });

    const same = `${upstream.httpUrl}/echo?bp=req&n=same`;
    const again = viaProxy(h.app.proxyUrl, same, { method: 'POST', body: 'as it came', headers: { 'content-type': 'text/plain' } });
    const p2 = await h.paused(same);
    // The UI sends every field back: the same values are a plain resume.
    expect(await h.app.service.handlers.resumePaused({ id: p2.id, request: { method: 'POST', url: same, headers: p2.request.headers, body: 'as it came' } })).toEqual({ ok: true });
    expect((await again).body.toString()).toBe('as it came');
    expect(await h.unpaused(p2.id)).toBe('resumed');
  });

  it("respond: the client gets the user's answer and the upstream is never asked", async () => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=respond`;
    const response = viaProxy(h.app.proxyUrl, url, { method: 'POST', body: 'never sent' });
    const paused = await h.paused(url);
    expect(await h.app.service.handlers.respondPaused({ id: paused.id, status: 203, headers: [['X-From', 'user']], body: 'my own answer' })).toEqual({ ok: true });
    const res = await response;
    expect(res).toMatchObject({ status: 203, body: Buffer.from('my own answer') });
    expect(res.headers['x-from']).toBe('user');
    expect(receivedAt('/echo?bp=req&n=respond')).toEqual([]);
    const s = await h.recordedFor(url);
    expect(s).toMatchObject({ status: 203, state: 'complete' });
    expect((await h.app.service.handlers.getExchange({ id: s.id }))?.meta['rule.breakpoint.request']).toBe('answered');
  });

  it("drop: the client's connection is closed, and the exchange is recorded as dropped at the breakpoint", async () => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=drop`;
    const response = viaProxy(h.app.proxyUrl, url, { method: 'POST', body: 'dropped' });
    const paused = await h.paused(url);
    expect(await h.app.service.handlers.dropPaused({ id: paused.id })).toEqual({ ok: true });
    await expect(response).rejects.toThrow(/socket hang up|ECONNRESET/);
    const s = await h.recordedFor(url);
    expect(s).toMatchObject({ state: 'failed', error: 'dropped at breakpoint "pause echo"', status: null });
    expect(receivedAt('/echo?bp=req&n=drop')).toEqual([]);
  });

  it('a paused response is held from the client; resumed with another status, the client gets that', async () => {
    const url = `${upstream.httpUrl}/json?bp=res`;
    const response = viaProxy(h.app.proxyUrl, url);
    const seen = tracked(response);
    const paused = await h.paused(url, 'response');
    expect(paused.response).toMatchObject({ status: 200, reason: 'OK' });
    expect(Buffer.from(paused.response!.body.base64, 'base64').toString()).toContain('"hello":"world"');
    expect(receivedAt('/json?bp=res')).toHaveLength(1);
    expect(seen.settled).toBe(false);
    expect(await h.app.service.handlers.resumePaused({ id: paused.id, request: { method: 'GET' } })).toEqual({ ok: false, error: `request: exchange ${paused.id} is paused at its response` });
    expect(await h.app.service.handlers.respondPaused({ id: paused.id, status: 200 })).toMatchObject({ ok: false });

    expect(await h.app.service.handlers.resumePaused({ id: paused.id, response: { status: 418 } })).toEqual({ ok: true });
    const res = await response;
    expect(res.status).toBe(418);
    expect(res.statusMessage).toBe("I'm a Teapot");
    expect(res.body.toString()).toContain('"hello":"world"');
    expect(res.rawHeaders).toContain('set-cookie');
    const s = await h.recordedFor(url);
    expect(s).toMatchObject({ status: 418, state: 'complete' });
    expect((await h.app.service.handlers.getExchange({ id: s.id }))?.meta['rule.breakpoint.response']).toBe('edited');
  });

  it('both phases: the request, then the response; a response body edit gets its length; drop at the response closes the connection', async () => {
    const url = `${upstream.httpUrl}/echo?bp=both`;
    const response = viaProxy(h.app.proxyUrl, url, { method: 'POST', body: 'abc', headers: { 'content-type': 'text/plain' } });
    const atRequest = await h.paused(url, 'request');
    expect(await h.app.service.handlers.resumePaused({ id: atRequest.id })).toEqual({ ok: true });
    const atResponse = await h.paused(url, 'response');
    expect(atResponse.id).toBe(atRequest.id);
    expect(await h.app.service.handlers.resumePaused({ id: atResponse.id, response: { body: 'a longer body than abc' } })).toEqual({ ok: true });
    const res = await response;
    expect(res.body.toString()).toBe('a longer body than abc');
    expect(res.headers['content-length']).toBe('22');

    const dropped = `${upstream.httpUrl}/echo?bp=both&n=drop`;
    const second = viaProxy(h.app.proxyUrl, dropped, { method: 'POST', body: 'x' });
    await h.app.service.handlers.resumePaused({ id: (await h.paused(dropped, 'request')).id });
    await h.app.service.handlers.dropPaused({ id: (await h.paused(dropped, 'response')).id });
    await expect(second).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await h.recordedFor(dropped)).toMatchObject({ state: 'failed', error: 'dropped at breakpoint "pause both" (response)' });
  });

  it.each([
    ['declared', { 'content-type': 'text/plain' }],
    ['chunked', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }],
  ])('a request body over the capture cap (%s) is not paused: it goes through whole, and the exchange says why', async (kind, headers) => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=big-${kind}`;
    const big = Buffer.alloc(100 * 1024, 'y');
    const res = await viaProxy(h.app.proxyUrl, url, { method: 'POST', body: big, headers });
    expect(res.body.equals(big)).toBe(true);
    expect(receivedAt(`/echo?bp=req&n=big-${kind}`)[0]!.body.equals(big)).toBe(true);
    const s = await h.recordedFor(url);
    expect(s.requestBytes).toBe(big.length);
    expect((await h.app.service.handlers.getExchange({ id: s.id }))?.meta['rule.breakpoint.request']).toMatch(/^not paused: its body is over the capture cap/);
  });

  it.each(['0', '1'])('a response body over the capture cap is not paused (chunked=%s): the client gets it whole', async (chunked) => {
    const url = `${upstream.httpUrl}/big?n=${200 * 1024}&chunked=${chunked}`;
    const res = await viaProxy(h.app.proxyUrl, url);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(200 * 1024);
    expect(res.body.every((b) => b === 0x61)).toBe(true);
    const s = await h.recordedFor(url);
    expect(s).toMatchObject({ state: 'complete', responseBytes: 200 * 1024 });
    expect((await h.app.service.handlers.getExchange({ id: s.id }))?.meta['rule.breakpoint.response']).toMatch(/^not paused: its body is over the capture cap/);
  });

  it('a client that goes away while paused ends the pause; the exchange records it', async () => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=gone`;
    const proxy = new URL(h.app.proxyUrl);
    const req = http.request({ host: proxy.hostname, port: proxy.port, method: 'POST', path: url, headers: { host: new URL(url).host }, agent: false });
    req.on('error', () => undefined);
    req.end('bye');
    const paused = await h.paused(url);
    const gone = h.unpaused(paused.id);
    req.destroy();
    expect(await gone).toBe('client gone');
    expect(await h.recordedFor(url)).toMatchObject({ state: 'failed', error: 'client closed the connection while the request was held' });
    expect(receivedAt('/echo?bp=req&n=gone')).toEqual([]);
  });

  it('commands refuse what is not paused, and arguments naming the field', async () => {
    expect(parseCommand('resumePaused', { id: 'x', request: { headers: [['bad name', 'v']] } })).toEqual({ ok: false, error: 'resumePaused: request.headers.0.0 must be an HTTP header name' });
    expect(parseCommand('resumePaused', { id: 'x', response: { status: 99 } })).toEqual({ ok: false, error: 'resumePaused: response.status must be an HTTP status (100-599)' });
    expect(parseCommand('resumePaused', { id: 'x', request: { url: 'ftp://x/' } })).toEqual({ ok: false, error: 'resumePaused: request.url must be an absolute http(s) URL' });
    expect(parseCommand('resumePaused', { id: 'x', request: {}, response: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/^resumePaused: response give request or response changes, not both/) });
    expect(parseCommand('respondPaused', { id: 'x', status: 200, headers: [['x-a', 'line\nbreak']] })).toMatchObject({ ok: false, error: expect.stringMatching(/^respondPaused: headers.0.1 must be a header value/) });
    expect(parseCommand('dropPaused', { id: 'x', extra: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^dropPaused: argument Unrecognized key/) });
    await expect(h.app.service.handlers.dropPaused({ id: 'nope' })).resolves.toEqual({ ok: false, error: 'exchange nope is not paused' });
  });
});

describe('breakpoint timeout', () => {
  let short: Harness;
  beforeAll(async () => {
    short = await harness(300);
  });
  afterAll(async () => {
    await short?.app.stop();
  });

  it('a paused request goes on by itself, unedited, after the configured timeout', async () => {
    const url = `${upstream.httpUrl}/echo?bp=req&n=timeout`;
    const response = viaProxy(short.app.proxyUrl, url, { method: 'POST', body: 'waited', headers: { 'content-type': 'text/plain' } });
    const paused = await short.paused(url);
    expect(paused.resumesAt - paused.pausedAt).toBe(300);
    expect(await short.unpaused(paused.id)).toBe('timed out');
    expect((await response).body.toString()).toBe('waited');
    const s = await short.recordedFor(url);
    expect((await short.app.service.handlers.getExchange({ id: s.id }))?.meta['rule.breakpoint.request']).toBe('timed out');
  });
});

