// The headless web UI server with the real core: token, Host and Origin checks
// on HTTP and on the WebSocket upgrade, no CORS, and the API over the socket.
import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import { startUiServer, type UiServer } from '../../electron/headless/uiServer.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let app: App;
let ui: UiServer;
let upstream: Upstream;
let base: string;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, headers: { host: url.host, ...headers } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function openSocket(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, command: string, arg?: unknown): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const id = Math.random();
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data));
      if (msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, command, arg }));
  });
}

beforeAll(async () => {
  upstream = await startUpstream();
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'ui-')), port: 0, host: '127.0.0.1' });
  const staticDir = mkdtempSync(join(tmpdir(), 'ui-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Proxyscope</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  ui = await startUiServer({ service: app.service, host: '127.0.0.1', port: 0, staticDir });
  base = `http://127.0.0.1:${ui.port}/`;
});
afterAll(async () => {
  await ui?.close();
  await app?.stop();
  await upstream?.close();
});

describe('web UI server', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('serves the page with the token, with security headers and no CORS', async () => {
    const res = await get(`/?token=${ui.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Proxyscope</title>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await get('/assets/app.js', { cookie })).status).toBe(200);
  });

  it('refuses a missing or wrong token (401)', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    await expect(openSocket('')).rejects.toThrow('HTTP 401');
    await expect(openSocket('?token=wrong')).rejects.toThrow('HTTP 401');
  });

  it('refuses a foreign Host (DNS rebinding) or Origin (cross-site), on HTTP and on the upgrade', async () => {
    expect((await get(`/?token=${ui.token}`, { host: `evil.example:${ui.port}` })).status).toBe(403);
    expect((await get(`/?token=${ui.token}`, { origin: 'https://evil.example' })).status).toBe(403);
    await expect(openSocket(`?token=${ui.token}`, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket(`?token=${ui.token}`, { host: `evil.example:${ui.port}` })).rejects.toThrow('HTTP 403');
    expect((await get(`/?token=${ui.token}`, { origin: `http://127.0.0.1:${ui.port}` })).status).toBe(200);
  });

  it('does not serve files outside its folder', async () => {
    expect((await get(`/..%2f..%2fetc%2fpasswd?token=${ui.token}`)).status).toBe(404);
  });

  it('carries commands and pushes event batches over the WebSocket', async () => {
    const ws = await openSocket(`?token=${ui.token}`, { origin: `http://127.0.0.1:${ui.port}` });
    const events: unknown[] = [];
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d));
      if (msg.events) events.push(...msg.events);
    });
    expect(await call(ws, 'getStatus')).toMatchObject({ ok: true, result: { proxy: app.proxyUrl } });
    await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?ws=1`);
    const deadline = Date.now() + 10_000;
    while (!JSON.stringify(events).includes('ws=1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.stringify(events)).toContain('ws=1');
    ws.close();
  });

  it('refuses bad settings over the WebSocket by field, keeping the previous ones', async () => {
    const ws = await openSocket(`?token=${ui.token}`);
    const before = await call(ws, 'getSettings');
    for (const bad of [{ timeout: 0 }, { api_endpoint: 'javascript:alert(1)' }, { keepalive: -3 }, { bogus: true }]) {
      const r = (await call(ws, 'saveSettings', bad)) as { ok: true; result: { ok: boolean; errors: Record<string, string> } };
      expect(r.result.ok).toBe(false);
      expect(Object.keys(r.result.errors)).toEqual(Object.keys(bad));
    }
    expect((await call(ws, 'getSettings')).result).toEqual(before.result);
    expect(await call(ws, 'nope')).toMatchObject({ ok: false, error: 'unknown command: nope' });
    expect(await call(ws, 'getExchange', { id: 42 })).toMatchObject({ ok: false, error: expect.stringMatching(/^getExchange: id/) });
    ws.close();
  });
});
