// WebSocket upgrades through the proxy (ws:// and, inside intercepted CONNECTs,
// wss://), recorded as one exchange of kind `websocket`: the client's upgrade
// request, the upstream's 101 and its headers, then every frame each way as
// the library passes it on, until either side closes. http-mitm-proxy ends
// the client's handshake itself and opens its own connection upstream; these
// are its public onWebSocket* hooks, plus the ws client's documented
// 'upgrade' event for the upstream's answer (and, in mitmLibrary.ts, where
// the library keeps the client's upgrade request).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { IWebSocketContext, Proxy } from 'http-mitm-proxy';
import { WebSocket } from 'ws';
import { CapturedBody } from '../flow/body.js';
import { nowMs, type Exchange } from '../flow/exchange.js';
import { exchangeId } from '../flow/exchangeId.js';
import { packHeaders } from '../flow/headers.js';
import { clientMeta } from '../flow/views.js';
import { addFrame, emptyLog, type WebSocketFrame } from '../flow/websocket.js';
import type { ExchangeHooks } from './capture.js';
import { webSocketUpgradeRequest } from './mitmLibrary.js';

export interface WebSocketOptions {
  hooks: ExchangeHooks;
  clientOf?: (socket: Socket | undefined) => string | null;
  /** Payload bytes kept per connection (all frames together). */
  maxBodyBytes: number;
}

const FRAME_TYPES: Record<string, WebSocketFrame['type'] | undefined> = { ping: 'ping', pong: 'pong' };

/** The URL the library connects upstream to: ws:// or wss:// with the client's host and path. */
function upgradeUrl(ctx: IWebSocketContext): string | null {
  const url = ctx.proxyToServerWebSocketOptions?.url;
  return typeof url === 'string' && /^wss?:\/\//i.test(url) ? url : null;
}

export function attachWebSockets(proxy: Proxy, opts: WebSocketOptions): void {
  const { hooks } = opts;
  const byCtx = new WeakMap<IWebSocketContext, Exchange>();

  const finish = (ex: Exchange, error: string | null) => {
    if (ex.timings.endedAt !== null) return;
    ex.error ??= error;
    ex.timings.endedAt = nowMs();
    hooks.run(ex.error === null ? 'response' : 'error', ex);
    hooks.done(ex);
  };

  proxy.onWebSocketConnection((ctx, callback) => {
    const req = webSocketUpgradeRequest(ctx);
    const url = upgradeUrl(ctx);
    if (!req || !url) return callback();
    const ex: Exchange = {
      id: exchangeId(),
      kind: 'websocket',
      origin: 'proxy',
      request: { method: req.method ?? 'GET', url, host: new URL(url).host, httpVersion: req.httpVersion, headers: packHeaders(req.rawHeaders), body: new CapturedBody(0) },
      response: null,
      tunnel: null,
      upstream: null,
      websocket: emptyLog(),
      chunkTimes: null,
      error: null,
      timings: { startedAt: nowMs(), responseStartedAt: null, endedAt: null },
      meta: clientMeta(opts.clientOf?.((ctx.connectRequest ?? req).socket)),
    };
    const go = (record: boolean) => {
      if (record) {
        byCtx.set(ctx, ex);
        hooks.run('requestHeaders', ex);
        hooks.run('request', ex);
      }
      callback();
      // The library has made its upstream socket by now (synchronously, in that callback).
      ctx.proxyToServerWebSocket?.once('upgrade', (res: IncomingMessage) => {
        if (!record) return;
        ex.response = { status: res.statusCode ?? 101, reason: res.statusMessage ?? '', headers: packHeaders(res.rawHeaders), body: new CapturedBody(0) };
        ex.timings.responseStartedAt = nowMs();
        hooks.run('responseHeaders', ex);
      });
    };
    // Rules decide as for any request: no-record passes it on unrecorded; close refuses it. A mock, a
    // breakpoint or a rewrite cannot stand in for a WebSocket: the upgrade goes on, recorded.
    const act = (verdict: Awaited<ReturnType<ExchangeHooks['intercept']>>) => {
      if (verdict.kind === 'drop') return go(false);
      if (verdict.kind === 'close') {
        byCtx.set(ctx, ex);
        hooks.run('requestHeaders', ex);
        ctx.clientToProxyWebSocket?.terminate();
        return finish(ex, verdict.error);
      }
      go(true);
    };
    const verdict = hooks.intercept(ex);
    if (verdict instanceof Promise) verdict.then(act, () => go(true));
    else act(verdict);
  });

  proxy.onWebSocketFrame((ctx, type, fromServer, data, flags, callback) => {
    const ex = byCtx.get(ctx);
    if (ex?.websocket && ex.timings.endedAt === null) {
      const kind = type === 'message' ? (flags ? 'binary' : 'text') : FRAME_TYPES[String(type)];
      if (kind) {
        const payload = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        addFrame(ex.websocket, { from: fromServer ? 'server' : 'client', at: nowMs(), type: kind, size: payload.length }, payload, opts.maxBodyBytes);
        hooks.run('progress', ex);
      }
    }
    callback(null, data, flags);
  });

  proxy.onWebSocketClose((ctx, code, message, callback) => {
    const ex = byCtx.get(ctx);
    if (ex?.websocket && ex.timings.endedAt === null) {
      const by = ctx.closedByServer ? 'server' : 'client';
      // 1005: closed without a status; 1006: the connection broke without a close frame.
      if (code === 1006) finish(ex, `the ${by} connection broke without a close frame`);
      else {
        ex.websocket.close = { code: Number(code), reason: Buffer.isBuffer(message) ? message.toString('utf8') : String(message ?? ''), by };
        finish(ex, null);
      }
    }
    callback(null);
  });

  proxy.onWebSocketError((ctx, err) => {
    if (!ctx) return;
    // The library answered the client's handshake before asking the upstream, and holds the client's socket
    // paused until the upstream opens: a close would wait for a reply it never reads. Cut it at once.
    if (ctx.proxyToServerWebSocket?.readyState !== WebSocket.OPEN) ctx.clientToProxyWebSocket?.terminate();
    const ex = byCtx.get(ctx);
    if (ex) finish(ex, `websocket failed: ${err?.message ?? 'unknown error'}`);
  });
}
