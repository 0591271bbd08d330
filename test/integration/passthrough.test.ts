// TLS passthrough through the real core: a CONNECT the predicate names goes to
// the host untouched (the client verifies the host's own CA, never the app's)
// and is recorded as one tunnel exchange; the rest is intercepted as before;
// failures, resets and early bytes are handled, and nothing of a tunnel is forwarded.
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { loadOrCreateCa } from '../../electron/core/proxy/ca.js';
import type { ExchangeHooks } from '../../electron/core/proxy/capture.js';
import { startProxy } from '../../electron/core/proxy/proxy.js';
import type { PassthroughPredicate } from '../../electron/core/proxy/tunnel.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { closed, connectThrough, getOverTls, readAtLeast, readToClose, signedBy } from '../support/tunnelClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'passthrough-token-1234';
const ESTABLISHED = 'HTTP/1.1 200 Connection established\r\n\r\n';
let upstream: Upstream;
let collector: Collector;
let app: App;
let appCa: string;
let proxyPort: number;
/** The HTTPS upstream's port (its host is localhost; its certificate is signed by upstream.caPem). */
let bankPort: number;
/** A TCP echo server; a chunk containing "reset" makes it reset the connection. */
let echo: net.Server;
let echoPort: number;
let closedPort: number;
const recorded: ExchangeSummary[] = [];
const asked: Array<[string, number]> = [];

const rules: PassthroughPredicate = (host, port) => {
  asked.push([host, port]);
  if (host === 'localhost' && port === bankPort) return 'my bank';
  if (host === '127.0.0.1' && port === echoPort) return 'echo';
  if (host === '127.0.0.1' && port === closedPort) return 'closed port';
  return null;
};

/** The first exchange recorded past index `from` whose URL is `url`. */
const recordedAfter = (from: number, url: string) => until(`${url} recorded`, () => recorded.slice(from).find((s) => s.url === url));

const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

beforeAll(async () => {
  upstream = await startUpstream();
  bankPort = Number(new URL(upstream.httpsUrl).port);
  echo = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => (c.includes('reset') ? s.resetAndDestroy() : s.write(c)));
  });
  echoPort = await listen(echo);
  const gone = net.createServer();
  closedPort = await listen(gone);
  await new Promise((r) => gone.close(r));
  collector = await startCollector({ token: TOKEN, bucket: 'pass' });
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-passthrough-')),
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'pass', access_token: TOKEN, api_endpoint: collector.url, log_body: false },
    passthrough: rules,
  });
  appCa = readFileSync(app.caPath, 'utf8');
  proxyPort = Number(new URL(app.proxyUrl).port);
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
  await new Promise((r) => echo?.close(r));
});

describe('TLS passthrough', () => {
  it("a CONNECT the predicate names reaches the host untouched: TLS verifies against the host's CA alone, and one tunnel exchange records host, port, bytes each way and duration", async () => {
    const mark = recorded.length;
    const c = await connectThrough(proxyPort, `localhost:${bankPort}`);
    expect(c.answer).toBe(ESTABLISHED);
    const { response, leaf } = await getOverTls(c, 'localhost', `localhost:${bankPort}`, '/json', upstream.caPem);
    expect(response.startLine).toBe('HTTP/1.1 200 OK');
    expect(JSON.parse(response.body.toString())).toMatchObject({ hello: 'world', path: '/json' });
    expect(signedBy(leaf, upstream.caPem)).toBe(true);
    expect(signedBy(leaf, appCa)).toBe(false);

    const s = await recordedAfter(mark, `https://localhost:${bankPort}/`);
    expect(s).toMatchObject({ kind: 'tunnel', method: 'CONNECT', host: `localhost:${bankPort}`, status: 200, state: 'complete', error: null, delivery: null });
    // Every byte on the client's side of the tunnel, each way, past the CONNECT and its answer.
    expect(s.tunnel).toEqual({ port: bankPort, bytesUp: c.socket.bytesWritten - c.connectBytes, bytesDown: c.socket.bytesRead - ESTABLISHED.length, rule: 'my bank' });
    expect(s.tunnel!.bytesUp).toBeGreaterThan(0);
    expect(s.tunnel!.bytesDown).toBeGreaterThan(0);
    expect(s.durationMs).toBeGreaterThan(0);
    expect(asked).toContainEqual(['localhost', bankPort]);

    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail).toMatchObject({ kind: 'tunnel', tunnel: s.tunnel, response: { status: 200, reason: 'Connection established', headers: [] } });
    expect(detail!.timings.endedAt! - detail!.timings.startedAt).toBeGreaterThan(0);
    // The session store's row (what the grid pages through) says the same.
    const page = await app.service.handlers.queryExchanges({ filter: 'method=CONNECT' });
    expect(page.ok && page.rows.find((r) => r.id === s.id)).toMatchObject({ kind: 'tunnel', tunnel: s.tunnel });
    // Not forwarded: the forward addon never queued it.
    expect(await app.service.handlers.getDelivery({ exchangeId: s.id })).toBeNull();
  });

  it('bytes the client sends with its CONNECT go through first, and are counted', async () => {
    const mark = recorded.length;
    const c = await connectThrough(proxyPort, `127.0.0.1:${echoPort}`, Buffer.from('early bytes'));
    expect(c.answer).toBe(ESTABLISHED);
    expect((await readAtLeast(c, 11)).toString()).toBe('early bytes');
    c.socket.end();
    await closed(c.socket);
    const s = await recordedAfter(mark, `https://127.0.0.1:${echoPort}/`);
    expect(s).toMatchObject({ kind: 'tunnel', state: 'complete', tunnel: { port: echoPort, bytesUp: 11, bytesDown: 11, rule: 'echo' } });
  });

  it("a host the predicate does not name is intercepted as before (the app CA's certificate), and is forwarded while tunnels are not; the predicate may be replaced at runtime", async () => {
    const tunnelIds = recorded.filter((s) => s.kind === 'tunnel').map((s) => s.id);
    expect(tunnelIds.length).toBeGreaterThan(0);
    const names: Array<[string, number]> = [];
    app.setPassthrough((host, port) => {
      names.push([host, port]);
      return null;
    });
    try {
      const mark = recorded.length;
      const c = await connectThrough(proxyPort, `localhost:${bankPort}`);
      const { response, leaf } = await getOverTls(c, 'localhost', `localhost:${bankPort}`, '/json?intercepted=1', appCa);
      expect(response.startLine).toBe('HTTP/1.1 200 OK');
      expect(signedBy(leaf, appCa)).toBe(true);
      expect(signedBy(leaf, upstream.caPem)).toBe(false);
      expect(names).toEqual([['localhost', bankPort]]);
      const s = await recordedAfter(mark, `https://localhost:${bankPort}/json?intercepted=1`);
      expect(s).toMatchObject({ kind: 'http', tunnel: null, method: 'GET', status: 200 });
      // Its message arrives; none of the tunnels recorded before it ever does.
      await until('its message', () => collector.received.find((m) => m.unique_identifier === s.id));
      for (const id of tunnelIds) expect(collector.received.some((m) => m.unique_identifier === id)).toBe(false);
    } finally {
      app.setPassthrough(rules);
    }
  });

  it('a port that refuses: the client gets 502 with the reason, and the tunnel exchange records the error', async () => {
    const mark = recorded.length;
    const c = await connectThrough(proxyPort, `127.0.0.1:${closedPort}`);
    expect(c.answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(c.answer).toMatch(/\r\nx-proxyscope-error: 1\r\n/);
    const body = (await readToClose(c.socket, c.rest)).toString();
    expect(body).toBe(`Proxyscope: upstream refused the connection (127.0.0.1:${closedPort})\n`);
    const s = await recordedAfter(mark, `https://127.0.0.1:${closedPort}/`);
    expect(s).toMatchObject({
      kind: 'tunnel',
      status: 502,
      state: 'failed',
      error: `upstream refused the connection (127.0.0.1:${closedPort})`,
      tunnel: { port: closedPort, bytesUp: 0, bytesDown: 0, rule: 'closed port' },
    });
  });

  it('a reset on either side ends the tunnel, closes the other side and is recorded; the proxy keeps serving', async () => {
    // The client resets.
    let mark = recorded.length;
    const byClient = await connectThrough(proxyPort, `127.0.0.1:${echoPort}`);
    byClient.socket.write('ping');
    expect((await readAtLeast(byClient, 4)).toString()).toBe('ping');
    byClient.socket.resetAndDestroy();
    const clientReset = await recordedAfter(mark, `https://127.0.0.1:${echoPort}/`);
    expect(clientReset).toMatchObject({ kind: 'tunnel', state: 'failed', error: 'client connection failed: ECONNRESET', tunnel: { bytesUp: 4, bytesDown: 4 } });

    // The host resets: the client's side is closed for it.
    mark = recorded.length;
    const byHost = await connectThrough(proxyPort, `127.0.0.1:${echoPort}`);
    byHost.socket.on('error', () => undefined);
    byHost.socket.resume();
    byHost.socket.write('reset');
    await closed(byHost.socket);
    const hostReset = await recordedAfter(mark, `https://127.0.0.1:${echoPort}/`);
    expect(hostReset).toMatchObject({ kind: 'tunnel', state: 'failed', error: 'upstream connection failed: ECONNRESET', tunnel: { bytesUp: 5, bytesDown: 0 } });

    // Still serving: a tunnel, and an intercepted plain request.
    mark = recorded.length;
    const again = await connectThrough(proxyPort, `localhost:${bankPort}`);
    const { response } = await getOverTls(again, 'localhost', `localhost:${bankPort}`, '/json', upstream.caPem);
    expect(response.startLine).toBe('HTTP/1.1 200 OK');
    expect(await recordedAfter(mark, `https://localhost:${bankPort}/`)).toMatchObject({ kind: 'tunnel', state: 'complete' });
    expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json`)).status).toBe(200);
  });
});

describe('a proxy closing with a tunnel open', () => {
  it('cuts the tunnel at once (its close waits for no tunnel) and records it, through the same hooks as an http exchange', async () => {
    const hooksSeen: string[] = [];
    const done: Exchange[] = [];
    const hooks: ExchangeHooks = { intercept: () => ({ kind: 'go' }), run: (hook) => hooksSeen.push(hook), done: (ex) => done.push(ex) };
    const proxy = await startProxy({
      host: '127.0.0.1',
      port: 0,
      ca: await loadOrCreateCa(join(mkdtempSync(join(tmpdir(), 'passthrough-ca-')), 'ca')),
      clientHeadersTimeout: 10_000,
      insecureUpstreamHosts: [],
      maxBodyBytes: 1024,
      upstreamTimeout: 5_000,
      hooks,
      passthrough: (_host, port) => (port === echoPort ? 'echo' : null),
    });
    const c = await connectThrough(proxy.port, `127.0.0.1:${echoPort}`);
    c.socket.write('open');
    await readAtLeast(c, 4);
    expect(hooksSeen).toEqual(['requestHeaders', 'request', 'responseHeaders']);
    const started = Date.now();
    await proxy.close();
    // Well under the 2 s the proxy gives connections before cutting them.
    expect(Date.now() - started).toBeLessThan(1500);
    await closed(c.socket);
    const ex = await until('the tunnel done', () => done[0]);
    expect(ex).toMatchObject({ kind: 'tunnel', error: 'the proxy closed the tunnel', tunnel: { bytesUp: 4, bytesDown: 4, rule: 'echo' } });
    expect(hooksSeen).toEqual(['requestHeaders', 'request', 'responseHeaders', 'error']);
  });
});
