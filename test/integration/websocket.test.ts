// WebSocket upgrades through the real proxy, ws:// and wss:// (inside an
// intercepted CONNECT, trusting the app's CA): recorded as one exchange of
// kind websocket with every frame each way, shown while open, found by is:ws
// and by body filters over its messages, kept by the session store, and
// forwarded to the strict collector as its upgrade.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { startCollector, type Collector } from '../support/collector.js';
import { connectThrough } from '../support/tunnelClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'websocket-token-1234';
let upstream: Upstream;
let collector: Collector;
let app: App;
let caPem: string;
const recorded: ExchangeSummary[] = [];
/** Every summary the UI's event stream carried (added or updated), in order. */
const live: ExchangeSummary[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'ws' });
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-ws-')),
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'ws', access_token: TOKEN, api_endpoint: collector.url, log_body: true },
  });
  caPem = (await app.service.handlers.exportCa(undefined)).pem;
  app.onExchange((s) => recorded.push(s));
  app.service.subscribe((batch) => {
    for (const e of batch) if (e.type === 'exchanges') live.push(...e.added, ...e.updated);
  });
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

const proxyPort = () => Number(new URL(app.proxyUrl).port);

/** A WebSocket client through the proxy, as browsers do it: CONNECT first, then (for wss) TLS with the app's CA. */
async function open(url: string): Promise<WebSocket> {
  const u = new URL(url);
  const c = await connectThrough(proxyPort(), u.host);
  c.socket.resume();
  const socket = u.protocol === 'wss:' ? tls.connect({ socket: c.socket, servername: u.hostname, ca: caPem }) : c.socket;
  const ws = new WebSocket(url, { createConnection: () => socket } as never);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

const next = (ws: WebSocket) => new Promise<{ data: Buffer; binary: boolean }>((resolve) => ws.once('message', (data, binary) => resolve({ data: data as Buffer, binary })));
const closedWith = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

describe('websocket', () => {
  it('ws://: one exchange of kind websocket with every frame, its detail growing while open, then the close', async () => {
    const url = `${upstream.httpUrl.replace('http:', 'ws:')}/ws/echo?case=plain`;
    const ws = await open(url);
    let reply = next(ws);
    ws.send('hello there');
    expect((await reply).data.toString()).toBe('hello there');
    // While open, the UI's stream shows its row growing, and its detail holds both frames.
    const row = await until('the open websocket with two frames, live', () => live.find((r) => r.url === url && r.messages === 2));
    expect(row).toMatchObject({ kind: 'websocket', state: 'pending', status: 101 });
    const openDetail = (await app.service.handlers.getExchange({ id: row.id }))!;
    expect(openDetail.websocket!.frames.map((f) => [f.from, f.type, Buffer.from(f.base64, 'base64').toString()])).toEqual([
      ['client', 'text', 'hello there'],
      ['server', 'text', 'hello there'],
    ]);

    reply = next(ws);
    ws.send(Buffer.from([0, 1, 2, 250, 255]));
    const back = await reply;
    expect([back.binary, [...back.data]]).toEqual([true, [0, 1, 2, 250, 255]]);
    ws.close(1000, 'done');
    const s = await until('the websocket recorded', () => recorded.find((r) => r.url === url));
    expect(s).toMatchObject({ kind: 'websocket', status: 101, state: 'complete', error: null, messages: 4 });
    const d = (await app.service.handlers.getExchange({ id: s.id }))!;
    expect(d.response).toMatchObject({ status: 101 });
    expect(d.request.headers.map(([n]) => n.toLowerCase())).toContain('sec-websocket-key');
    expect(d.websocket!.frames.map((f) => [f.from, f.type, f.size])).toEqual([
      ['client', 'text', 11],
      ['server', 'text', 11],
      ['client', 'binary', 5],
      ['server', 'binary', 5],
    ]);
    expect(d.websocket!.close).toEqual({ code: 1000, reason: 'done', by: 'client' });
    expect(d.websocket!.frames.every((f, i, all) => i === 0 || f.at >= all[i - 1]!.at)).toBe(true);
  });

  it('wss:// through an intercepted CONNECT; the server closing is recorded as such', async () => {
    const url = `${upstream.httpsUrl.replace('https:', 'wss:')}/ws/echo?case=tls`;
    const ws = await open(url);
    const closing = closedWith(ws);
    ws.send('close');
    expect(await closing).toEqual({ code: 4000, reason: 'bye' });
    const s = await until('the wss websocket recorded', () => recorded.find((r) => r.url === url));
    const d = (await app.service.handlers.getExchange({ id: s.id }))!;
    expect(d).toMatchObject({ kind: 'websocket', status: 101, error: null });
    expect(d.websocket).toMatchObject({ frames: [{ from: 'client', type: 'text', size: 5 }], dropped: 0, close: { code: 4000, reason: 'bye', by: 'server' } });
  });

  it('an upgrade the upstream refuses is a failed exchange, and the client is closed', async () => {
    const url = `${upstream.httpUrl.replace('http:', 'ws:')}/ws/reject`;
    const ws = await open(url);
    // The proxy answered the handshake before asking the upstream (the library's way): the refusal cuts the connection.
    expect((await closedWith(ws)).code).toBe(1006);
    const s = await until('the refused websocket recorded', () => recorded.find((r) => r.url === url));
    expect(s).toMatchObject({ kind: 'websocket', state: 'failed' });
    expect(s.error).toMatch(/403/);
  });

  it('is:ws and body filters over its messages find it, in the store and live; Runscope gets the upgrade', async () => {
    const url = `${upstream.httpUrl.replace('http:', 'ws:')}/ws/echo?case=search`;
    const ws = await open(url);
    const reply = next(ws);
    ws.send('{"needle":"haystack-7731"}');
    await reply;
    ws.close(1000);
    const s = await until('recorded', () => recorded.find((r) => r.url === url));
    for (const filter of ['is:ws body*=haystack-7731', 'reqbody*=haystack-7731', 'resbody*=haystack-7731', 'is:ws query*=search']) {
      const page = await app.service.handlers.queryExchanges({ filter, limit: 10 });
      expect(page.ok && page.rows.map((r) => r.id), filter).toEqual([s.id]);
    }
    const http = await app.service.handlers.queryExchanges({ filter: '-is:ws body*=haystack-7731', limit: 10 });
    expect(http.ok && http.rows).toEqual([]);
    await until('the upgrade forwarded', () => collector.received.find((m) => m.unique_identifier === s.id));
    const m = collector.received.find((x) => x.unique_identifier === s.id)!;
    expect(m.request).toMatchObject({ method: 'GET', url: url.replace('ws:', 'http:') });
    expect(m.response).toMatchObject({ status: 101 });
    expect(JSON.stringify(m)).not.toContain('haystack-7731');
  });
});
