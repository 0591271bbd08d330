// Records every exchange by tapping the streams http-mitm-proxy already pipes.
// We never use onResponseData/addResponseFilter: those force chunked encoding
// and hold no backpressure. Taps copy at most `maxBodyBytes` per body.
import type { IncomingMessage } from 'node:http';
import type { IContext, Proxy } from 'http-mitm-proxy';
import { CapturedBody, nowMs, packHeaders, type Exchange } from '../store/exchange.js';
import { exchangeId } from './exchangeId.js';
import { silenceLibraryErrorText, upstreamTarget } from './mitmLibrary.js';
import { describeUpstreamError, UpstreamTimeoutError } from './upstreamErrors.js';

export interface CaptureHooks {
  maxBodyBytes: number;
  upstreamTimeout: number;
  onStart(ex: Exchange): void;
  /** Called exactly once per exchange, complete or failed. */
  onEnd(ex: Exchange): void;
}

const HIGH_WATER = 1024 * 1024;

function buildUrl(ctx: IContext): { url: string; host: string } {
  const req = ctx.clientToProxyRequest;
  const raw = req.url ?? '/';
  if (/^https?:\/\//i.test(raw)) {
    try {
      const u = new URL(raw);
      return { url: u.href, host: u.host };
    } catch {
      /* fall through */
    }
  }
  const opts = upstreamTarget(ctx)!;
  const scheme = ctx.isSSL ? 'https' : 'http';
  const port = Number(opts.port);
  const defaultPort = ctx.isSSL ? 443 : 80;
  const hostname = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // join() makes one flat string; `+` and template literals make a rope of
  // pieces, and the store keeps every piece alive (see PackedHeaders).
  const host = port && port !== defaultPort ? [hostname, port].join(':') : hostname;
  return { url: [scheme, '://', host, raw.startsWith('/') ? '' : '/', raw].join(''), host };
}

/** Pauses `source` while `sink` holds more than HIGH_WATER bytes; the library does not. */
function holdBackpressure(source: IncomingMessage, sink: () => NodeJS.WritableStream & { writableLength: number } | undefined): void {
  source.on('data', () => {
    const s = sink();
    if (s && s.writableLength > HIGH_WATER && !source.isPaused()) {
      source.pause();
      s.once('drain', () => source.resume());
    }
  });
}

export function attachCapture(proxy: Proxy, hooks: CaptureHooks): void {
  const byCtx = new WeakMap<IContext, Exchange>();
  const timers = new WeakMap<IContext, NodeJS.Timeout>();

  const finish = (ctx: IContext, ex: Exchange) => {
    if (ex.endedAt !== null) return;
    clearTimeout(timers.get(ctx));
    ex.endedAt = nowMs();
    if (ex.state === 'pending') ex.state = 'complete';
    hooks.onEnd(ex);
  };

  const fail = (ctx: IContext, ex: Exchange, error: string) => {
    if (ex.endedAt !== null) return;
    ex.state = 'failed';
    ex.error = error;
    finish(ctx, ex);
  };

  proxy.onRequest((ctx, callback) => {
    const req = ctx.clientToProxyRequest;
    const { url, host } = buildUrl(ctx);
    const ex: Exchange = {
      id: exchangeId(),
      startedAt: nowMs(),
      method: req.method ?? 'GET',
      url,
      host,
      httpVersion: req.httpVersion,
      requestHeaders: packHeaders(req.rawHeaders),
      requestBody: new CapturedBody(hooks.maxBodyBytes),
      status: null,
      reason: '',
      responseHeaders: '',
      responseBody: new CapturedBody(hooks.maxBodyBytes),
      responseStartedAt: null,
      endedAt: null,
      state: 'pending',
      error: null,
      delivery: null,
    };
    byCtx.set(ctx, ex);
    req.on('data', (chunk: Buffer) => ex.requestBody.push(chunk));
    holdBackpressure(req, () => ctx.proxyToServerRequest);
    ctx.proxyToClientResponse.on('close', () => {
      if (ex.endedAt !== null) return;
      if (!ctx.proxyToClientResponse.writableFinished) {
        fail(ctx, ex, 'client closed the connection before the response was complete');
        ctx.serverToProxyResponse?.destroy();
        ctx.proxyToServerRequest?.destroy();
      }
    });
    // The response deadline starts once the client has sent its whole request.
    req.on('end', () => {
      if (ex.status !== null || ex.endedAt !== null) return;
      const timer = setTimeout(
        () => ctx.proxyToServerRequest?.destroy(new UpstreamTimeoutError(hooks.upstreamTimeout)),
        hooks.upstreamTimeout,
      );
      timer.unref();
      timers.set(ctx, timer);
    });
    hooks.onStart(ex);
    callback();
  });

  proxy.onResponse((ctx, callback) => {
    const ex = byCtx.get(ctx);
    const res = ctx.serverToProxyResponse;
    if (ex && res) {
      clearTimeout(timers.get(ctx));
      ex.status = res.statusCode ?? 0;
      ex.reason = res.statusMessage ?? '';
      ex.responseHeaders = packHeaders(res.rawHeaders);
      ex.responseStartedAt = nowMs();
      res.on('data', (chunk: Buffer) => ex.responseBody.push(chunk));
      holdBackpressure(res, () => ctx.proxyToClientResponse);
      res.on('end', () => finish(ctx, ex));
      res.on('close', () => {
        if (!res.complete) fail(ctx, ex, 'upstream closed the connection before the response body ended');
      });
    }
    callback();
  });

  // Runs before the library's own handler, which would answer "504 Proxy Error"
  // or append error text to a body already under way.
  proxy.onError((ctx, err, kind) => {
    if (!ctx) return;
    const ex = byCtx.get(ctx);
    const res = ctx.proxyToClientResponse;
    if (kind === 'CLIENT_TO_PROXY_REQUEST_ERROR' || kind === 'PROXY_TO_CLIENT_RESPONSE_ERROR') {
      if (ex) fail(ctx, ex, 'client closed the connection');
      ctx.proxyToServerRequest?.destroy();
      return;
    }
    const target = ex?.host ?? upstreamTarget(ctx)?.host ?? 'upstream';
    const { status, text } = describeUpstreamError(err, target);
    if (!res.headersSent) {
      const body = `Proxyscope: ${text}\n`;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-proxyscope-error': '1', connection: 'close' });
      res.end(body);
      if (ex) {
        ex.status = status;
        ex.reason = status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
        ex.responseHeaders = packHeaders(['content-type', 'text/plain; charset=utf-8', 'x-proxyscope-error', '1']);
        ex.responseStartedAt ??= nowMs();
        ex.responseBody.push(Buffer.from(body));
      }
    } else {
      // Headers already went out: cut the connection so the client sees a truncated response.
      silenceLibraryErrorText(res);
      res.destroy();
    }
    if (ex) fail(ctx, ex, text);
  });
}
