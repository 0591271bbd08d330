// Exchanges built by hand, for tests of what is made from one (messages,
// copies, HAR, the store) without a proxy.
import type { HeaderPair, WebSocketView } from '../../electron/core/api.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import type { ExchangeHooks } from '../../electron/core/proxy/capture.js';
import { packPairs } from '../../electron/core/flow/headers.js';
import { hostOf } from '../../electron/core/flow/state.js';
import { addFrame, emptyLog } from '../../electron/core/flow/websocket.js';

export function body(bytes: Buffer | string, cap = 1024 * 1024): CapturedBody {
  const b = new CapturedBody(cap);
  b.push(Buffer.from(bytes));
  return b;
}

export interface ExchangeParts {
  id?: string;
  method?: string;
  url?: string;
  reqHeaders?: HeaderPair[];
  reqBody?: CapturedBody;
  /** null: no response (failed before one came). */
  status?: number | null;
  reason?: string;
  resHeaders?: HeaderPair[];
  resBody?: CapturedBody;
  error?: string | null;
  startedAt?: number;
  responseStartedAt?: number | null;
  endedAt?: number | null;
  meta?: Exchange['meta'];
}

export function exchange(p: ExchangeParts = {}): Exchange {
  const url = p.url ?? 'http://127.0.0.1:9/path?q=1';
  const status = p.status === undefined ? 200 : p.status;
  return {
    id: p.id ?? 'ex-1',
    kind: 'http',
    origin: 'proxy',
    request: { method: p.method ?? 'POST', url, host: hostOf(url), httpVersion: '1.1', headers: packPairs(p.reqHeaders ?? [['Host', '127.0.0.1:9']]), body: p.reqBody ?? new CapturedBody(10) },
    response:
      status === null
        ? null
        : { status, reason: p.reason ?? 'OK', headers: packPairs(p.resHeaders ?? [['Content-Type', 'text/plain']]), body: p.resBody ?? new CapturedBody(10) },
    tunnel: null,
    upstream: null,
    websocket: null,
    chunkTimes: null,
    error: p.error ?? null,
    timings: {
      startedAt: p.startedAt ?? 1_700_000_000_123.456,
      responseStartedAt: p.responseStartedAt === undefined ? 1_700_000_000_200 : p.responseStartedAt,
      endedAt: p.endedAt === undefined ? 1_700_000_000_373.456 : p.endedAt,
    },
    meta: p.meta ?? {},
  };
}

/** A passthrough tunnel as the proxy records it: CONNECT, the proxy's 200 (or its error answer), bytes each way. */
export function tunnelExchange(p: { id?: string; host?: string; port?: number; bytesUp?: number; bytesDown?: number; rule?: string; error?: string | null } = {}): Exchange {
  const host = p.host ?? 'bank.test';
  const port = p.port ?? 443;
  const url = new URL(`https://${host}:${port}/`).href;
  const failed = p.error !== undefined && p.error !== null;
  const ex = exchange({
    id: p.id ?? 'tunnel-1',
    method: 'CONNECT',
    url,
    reqHeaders: [['Host', `${host}:${port}`]],
    reqBody: new CapturedBody(0),
    status: failed ? 502 : 200,
    reason: failed ? 'Bad Gateway' : 'Connection established',
    resHeaders: [],
    resBody: new CapturedBody(0),
    error: p.error ?? null,
  });
  return { ...ex, kind: 'tunnel', tunnel: { port, bytesUp: p.bytesUp ?? 517, bytesDown: p.bytesDown ?? 4096, rule: p.rule ?? 'my bank' } };
}

/** A websocket with a text and a binary message each way and a ping, the last payload cut at the cap, then a close. */
export function webSocketExchange(p: { id?: string; url?: string; close?: WebSocketView['close']; endedAt?: number | null; error?: string | null } = {}): Exchange {
  const ex = exchange({
    id: p.id ?? 'ws-1',
    method: 'GET',
    url: p.url ?? 'wss://chat.test/socket?room=7',
    reqHeaders: [['Host', 'chat.test'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']],
    reqBody: new CapturedBody(0),
    status: 101,
    reason: 'Switching Protocols',
    resHeaders: [['Upgrade', 'websocket'], ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
    resBody: new CapturedBody(0),
    endedAt: p.endedAt,
    error: p.error ?? null,
  });
  const t = ex.timings.startedAt;
  const log = emptyLog();
  const cap = 40;
  addFrame(log, { from: 'client', at: t + 1, type: 'text', size: 11 }, Buffer.from('{"hi":true}'), cap);
  addFrame(log, { from: 'server', at: t + 2.5, type: 'text', size: 12 }, Buffer.from('{"hi":"you"}'), cap);
  addFrame(log, { from: 'client', at: t + 3, type: 'binary', size: 4 }, Buffer.from([0, 0xff, 0xc3, 0x28]), cap);
  addFrame(log, { from: 'server', at: t + 4, type: 'ping', size: 0 }, Buffer.alloc(0), cap);
  addFrame(log, { from: 'server', at: t + 5, type: 'text', size: 30 }, Buffer.from('x'.repeat(30)), cap);
  log.close = p.close === undefined ? { code: 1000, reason: 'bye', by: 'client' } : p.close;
  return { ...ex, kind: 'websocket', websocket: log };
}

/** A small ended GET, timed now. */
export function endedExchange(id: string): Exchange {
  const t = Date.now();
  return exchange({ id, method: 'GET', url: 'http://127.0.0.1:9/x', startedAt: t, responseStartedAt: t + 0.5, endedAt: t + 1 });
}

/** Hooks for a proxy started alone: every exchange goes on, nothing is kept. */
export const noHooks: ExchangeHooks = { intercept: () => ({ kind: 'go' }), run: () => undefined, done: () => undefined };

/**
 * A rewritten exchange: the client asked http://api.test/v1/users?id=7 and got
 * a 503 with "price": 0; upstream the request went to https://staging.test:8443
 * with X-Env and without Cookie, and the upstream answered 200 with "price": 12.
 */
export function rewrittenExchange(p: { id?: string } = {}): Exchange {
  const ex = exchange({
    id: p.id ?? 'rw-1',
    method: 'POST',
    url: 'http://api.test/v1/users?id=7',
    reqHeaders: [['Host', 'api.test'], ['Cookie', 'session=abc'], ['Content-Type', 'application/json']],
    reqBody: body('{"name":"ann"}'),
    status: 503,
    reason: 'Service Unavailable',
    resHeaders: [['Content-Type', 'application/json'], ['Content-Length', '12']],
    resBody: body('{"price": 0}'),
    meta: { rules: 'to staging' },
  });
  ex.upstream = {
    rules: ['to staging'],
    request: { method: 'POST', url: 'https://staging.test:8443/v1/users?id=7', headers: packPairs([['Host', 'staging.test:8443'], ['Content-Type', 'application/json'], ['X-Env', 'staging']]), body: null },
    response: { status: 200, reason: 'OK', headers: packPairs([['Content-Type', 'application/json'], ['Content-Length', '13']]), body: body('{"price": 12}') },
  };
  return ex;
}

/** Every field of an exchange, bodies as their bytes (hex), kept, size and truncation: for comparing two. */
export function exchangeFields(ex: Exchange) {
  const b = (x: CapturedBody) => ({ bytes: x.bytes().toString('hex'), kept: x.kept, size: x.size, truncated: x.truncated });
  const up = ex.upstream;
  return {
    ...ex,
    request: { ...ex.request, body: b(ex.request.body) },
    response: ex.response && { ...ex.response, body: b(ex.response.body) },
    upstream: up && {
      ...up,
      request: up.request && { ...up.request, body: up.request.body && b(up.request.body) },
      response: up.response && { ...up.response, body: up.response.body && b(up.response.body) },
    },
    websocket: ex.websocket && { ...ex.websocket, frames: ex.websocket.frames.map((f) => ({ ...f, data: f.data.toString('hex') })) },
  };
}
