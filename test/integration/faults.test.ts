// Faults from both sides: the proxy keeps serving, records a clear error, loses nothing.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { loadOrCreateCa } from '../../electron/core/proxy/ca.js';
import { createLeafCertificateCache } from '../../electron/core/proxy/leafCertificates.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const TOKEN = 'fault-token-5555';
let upstream: Upstream;
let collector: Collector;
let app: App;
let proxyPort: number;
let ca: string;
const logLines: string[] = [];
const recorded: ExchangeSummary[] = [];
const servers: net.Server[] = [];
let untrustedHttpsPort = 0;
let insecureAllowedPort = 0;

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

async function recordedFor(url: string, timeoutMs = 10_000): Promise<ExchangeSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = recorded.find((s) => s.url === url);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`${url} not recorded`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sends raw bytes to the proxy and returns everything it answers until it closes. */
function rawExchange(payload: string | Buffer, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${data.slice(0, 100)}`));
    }, timeoutMs);
    socket.on('data', (c) => (data += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.end(payload);
  });
}

const stillServes = async () => expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?alive=${Math.random()}`)).status).toBe(200);

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'b' });
  const untrusted = await loadOrCreateCa(tmp('untrusted-ca-'));
  const leaf = await createLeafCertificateCache(untrusted);
  const tlsOpts = { key: leaf.keyPem, cert: leaf.certificateFor('localhost') };
  untrustedHttpsPort = await listen(https.createServer(tlsOpts, (_q, s) => s.end('untrusted ok')));
  insecureAllowedPort = await listen(https.createServer(tlsOpts, (_q, s) => s.end('insecure ok')));
  app = await startApp({
    dataDir: tmp('faults-'),
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'b', access_token: TOKEN, api_endpoint: collector.url },
    limits: { upstreamTimeout: 1000, clientHeadersTimeout: 1000, insecureUpstreamHosts: [`localhost:${insecureAllowedPort}`] },
    log: (l) => logLines.push(l),
  });
  proxyPort = Number(new URL(app.proxyUrl).port);
  ca = readFileSync(app.caPath, 'utf8');
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  for (const s of servers) s.close();
  await collector?.close();
  await upstream?.close();
});

describe('upstream faults', () => {
  it('reset mid-headers: 502 with the reason', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => { s.write('HTTP/1.1 200 OK\r\nContent-'); s.destroy(); })));
    const url = `http://127.0.0.1:${port}/x`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toMatch(/closed the connection before answering|invalid HTTP response/);
    expect((await recordedFor(url)).state).toBe('failed');
    await stillServes();
  });

  it('reset mid-body: the client sees a cut response, the record says why', async () => {
    const url = `${upstream.httpUrl}/reset-mid-body`;
    await expect(viaProxy(app.proxyUrl, url)).rejects.toThrow();
    const s = await recordedFor(url);
    expect(s.state).toBe('failed');
    expect(s.error).toMatch(/before the response body ended|closed/);
    await stillServes();
  });

  it('untrusted upstream certificate: 502 naming the TLS error; the per-host opt-in lets it through', async () => {
    const bad = await viaProxy(app.proxyUrl, `https://localhost:${untrustedHttpsPort}/`, { ca });
    expect(bad.status).toBe(502);
    expect(bad.body.toString()).toMatch(/upstream TLS failed: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|DEPTH_ZERO)/);
    const ok = await viaProxy(app.proxyUrl, `https://localhost:${insecureAllowedPort}/`, { ca });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('insecure ok');
  });

  it('HTTP/1.0 close-delimited and chunked responses arrive whole', async () => {
    const port = await listen(net.createServer((s) => s.once('data', () => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold school body'))));
    const old = await viaProxy(app.proxyUrl, `http://127.0.0.1:${port}/`);
    expect(old.body.toString()).toBe('old school body');
    const chunkedPort = await listen(http.createServer((_q, s) => { s.write('a'.repeat(1000)); s.write('b'.repeat(1000)); s.end('c'); }));
    const chunked = await viaProxy(app.proxyUrl, `http://127.0.0.1:${chunkedPort}/`);
    expect(chunked.body.toString()).toBe(`${'a'.repeat(1000)}${'b'.repeat(1000)}c`);
    expect((await recordedFor(`http://127.0.0.1:${chunkedPort}/`)).responseBytes).toBe(2001);
  });

  it('HEAD, 204 and 304 complete without bodies', async () => {
    const head = await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?head`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const code of [204, 304]) {
      const url = `${upstream.httpUrl}/status?code=${code}`;
      expect((await viaProxy(app.proxyUrl, url)).status).toBe(code);
      expect(await recordedFor(url)).toMatchObject({ state: 'complete', status: code, responseBytes: 0 });
    }
  });

  it('Expect: 100-continue uploads go through', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'POST', path: `${upstream.httpUrl}/echo`, headers: { expect: '100-continue', 'content-type': 'text/plain', 'content-length': '5' } });
      req.on('continue', () => req.end('hello'));
      req.on('response', (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(body).toBe('hello');
  });
});

describe('WebSocket upgrades', () => {
  it('pass through a CONNECT tunnel untouched', async () => {
    const { WebSocketServer, WebSocket } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', (m, binary) => ws.send(m, { binary })));
    const port = (wss.address() as net.AddressInfo).port;
    const tunnel = await new Promise<net.Socket>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `127.0.0.1:${port}` });
      req.on('connect', (_res, socket) => resolve(socket));
      req.on('error', reject);
      req.end();
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { createConnection: () => tunnel } as never);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = new Promise<Buffer>((resolve) => ws.once('message', (m) => resolve(m as Buffer)));
    ws.send(Buffer.from([0, 1, 2, 250, 255]));
    expect([...(await reply)]).toEqual([0, 1, 2, 250, 255]);
    ws.close();
    wss.close();
    await stillServes();
  });
});

describe('client faults', () => {
  it('a malformed request gets a 400 and the proxy keeps serving', async () => {
    expect(await rawExchange('garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it('64 KiB of headers get a 431', async () => {
    const big = `GET ${upstream.httpUrl}/json HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
    expect(await rawExchange(big)).toMatch(/^HTTP\/1\.1 431/);
    await stillServes();
  });

  it('a client hanging up mid-upload is recorded as failed', async () => {
    const url = `${upstream.httpUrl}/echo?hangup`;
    const socket = net.connect(proxyPort, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n${'x'.repeat(10_000)}`);
    const deadline = Date.now() + 5000;
    while (!(await app.service.handlers.listExchanges({})).some((s) => s.url === url) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.destroy();
    const s = await recordedFor(url);
    expect(s.state).toBe('failed');
    expect(s.error).toMatch(/client closed/);
    await stillServes();
  });

  it('keeps serving with 1,000 idle connections open', async () => {
    const idle = await Promise.all(
      Array.from({ length: 1000 }, () => new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(proxyPort, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      })),
    );
    await stillServes();
    for (const s of idle) s.destroy();
  });

  it('drops a slowloris client after the headers deadline', async () => {
    const socket = net.connect(proxyPort, '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('error', () => undefined);
    socket.write(`GET ${upstream.httpUrl}/json HTTP/1.1\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const timeout = new Promise<'still open'>((r) => setTimeout(() => r('still open'), 10_000));
    const outcome = await Promise.race([closed, timeout]);
    clearInterval(drip);
    socket.destroy();
    expect(outcome).not.toBe('still open');
    await stillServes();
  });
});

describe('settings over the API', () => {
  it('refuses bad values by field and keeps the previous settings', async () => {
    const before = await app.service.handlers.getSettings(undefined);
    for (const bad of [{ timeout: -1 }, { api_endpoint: 'javascript:alert(1)' }, { keepalive: 'x' }, { log_body: 'yes' }, { bucket: 'x'.repeat(1000) }, { nope: 1 }]) {
      const r = await app.service.handlers.saveSettings(bad as never);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors)).toEqual(Object.keys(bad));
    }
    expect(await app.service.handlers.getSettings(undefined)).toEqual(before);
  });
});

describe('secrets', () => {
  it('the access token appears in no API answer, event or log line', async () => {
    const events: unknown[] = [];
    const unsubscribe = app.service.subscribe((batch) => events.push(...batch));
    await stillServes();
    await collector.waitFor(1);
    const h = app.service.handlers;
    const answers: unknown[] = await Promise.all([
      h.getSettings(undefined),
      h.getStatus(undefined),
      h.listExchanges({}),
      h.listDeliveries({}),
      h.exportCa(undefined),
      h.exportHar({}),
      h.saveSettings({ bucket: 'b' }),
    ]);
    const first = (await h.listExchanges({}))[0]!;
    answers.push(await h.getExchange({ id: first.id }), await h.getDelivery({ exchangeId: first.id }));
    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    unsubscribe();
    const everything = JSON.stringify([answers, events, logLines]);
    expect(everything).not.toContain(TOKEN);
    expect((answers[0] as { accessTokenLast4: string }).accessTokenLast4).toBe('5555');
  });
});
