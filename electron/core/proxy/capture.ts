// Records every exchange by tapping the streams http-mitm-proxy already pipes,
// and drives the pipeline's hooks as the exchange goes. We never use
// onResponseData/addResponseFilter: those force chunked encoding and hold no
// backpressure. Taps copy at most `maxBodyBytes` per body.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { IContext, Proxy } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import { nowMs, type Exchange } from '../flow/exchange.js';
import { packHeaders, packPairs } from '../flow/headers.js';
import type { Answer, Verdict } from '../pipeline/addon.js';
import { exchangeId } from '../flow/exchangeId.js';
import { silenceLibraryErrorText, upstreamTarget } from './mitmLibrary.js';
import type { Rewrites } from './rewriteExchange.js';
import { describeUpstreamError, UpstreamTimeoutError } from './upstreamErrors.js';

/** The hooks capture calls: the pipeline's. */
export interface ExchangeHooks {
  intercept(ex: Exchange): Verdict | Promise<Verdict>;
  run(hook: 'requestHeaders' | 'request' | 'responseHeaders' | 'response' | 'error', ex: Exchange): void;
  /** Called exactly once per recorded exchange, complete or failed. */
  done(ex: Exchange): void;
}

export interface CaptureOptions {
  maxBodyBytes: number;
  upstreamTimeout: number;
  hooks: ExchangeHooks;
  log?: (line: string) => void;
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
  // pieces, and the store keeps every piece alive.
  const host = port && port !== defaultPort ? [hostname, port].join(':') : hostname;
  return { url: [scheme, '://', host, raw.startsWith('/') ? '' : '/', raw].join(''), host };
}

/**
 * Copies each chunk of `source` into `body`, and pauses `source` while `sink`
 * holds more than HIGH_WATER bytes (the library does not).
 */
function tap(source: IncomingMessage, body: CapturedBody, sink: () => NodeJS.WritableStream & { writableLength: number } | undefined): void {
  source.on('data', (chunk: Buffer) => {
    body.push(chunk);
    const s = sink();
    if (s && s.writableLength > HIGH_WATER && !source.isPaused()) {
      source.pause();
      s.once('drain', () => source.resume());
    }
  });
}

/** `rewrites`: where a rule's rewrite of an exchange is carried out (without it, rewrites are not applied). */
export function attachCapture(proxy: Proxy, opts: CaptureOptions, rewrites?: Rewrites): void {
  const { hooks } = opts;
  const byCtx = new WeakMap<IContext, Exchange>();
  const timers = new WeakMap<IContext, NodeJS.Timeout>();

  const finish = (ctx: IContext, ex: Exchange) => {
    if (ex.timings.endedAt !== null) return;
    clearTimeout(timers.get(ctx));
    ex.timings.endedAt = nowMs();
    hooks.run(ex.error === null ? 'response' : 'error', ex);
    hooks.done(ex);
  };

  const fail = (ctx: IContext, ex: Exchange, error: string) => {
    if (ex.timings.endedAt !== null) return;
    ex.error = error;
    finish(ctx, ex);
  };

  /** Replies with an addon's answer; the upstream is never asked. */
  const answer = (ctx: IContext, ex: Exchange, a: Answer) => {
    const res = ctx.proxyToClientResponse;
    const body = Buffer.from(a.body);
    const reason = a.reason ?? STATUS_CODES[a.status] ?? '';
    ex.response = { status: a.status, reason, headers: packPairs(a.headers), body: new CapturedBody(opts.maxBodyBytes) };
    if (a.error) ex.error = a.error;
    ex.timings.responseStartedAt = nowMs();
    hooks.run('responseHeaders', ex);
    ex.response.body.push(body);
    res.on('finish', () => finish(ctx, ex));
    res.writeHead(a.status, reason, a.headers.flat());
    res.end(body);
    // Read the request to its end so the connection can carry the next one.
    ctx.clientToProxyRequest.resume();
  };

  const record = (ctx: IContext, ex: Exchange, verdict: Verdict, go: () => void) => {
    if (verdict.kind === 'drop') return go();
    const req = ctx.clientToProxyRequest;
    byCtx.set(ctx, ex);
    tap(req, ex.request.body, () => ctx.proxyToServerRequest);
    ctx.proxyToClientResponse.on('close', () => {
      if (ex.timings.endedAt !== null) return;
      if (!ctx.proxyToClientResponse.writableFinished) {
        fail(ctx, ex, 'client closed the connection before the response was complete');
        ctx.serverToProxyResponse?.destroy();
        ctx.proxyToServerRequest?.destroy();
      }
    });
    req.on('end', () => {
      hooks.run('request', ex);
      // The response deadline starts once the client has sent its whole request.
      if (ex.response !== null || ex.timings.endedAt !== null) return;
      const timer = setTimeout(
        () => ctx.proxyToServerRequest?.destroy(new UpstreamTimeoutError(opts.upstreamTimeout)),
        opts.upstreamTimeout,
      );
      timer.unref();
      timers.set(ctx, timer);
    });
    hooks.run('requestHeaders', ex);
    if (verdict.kind === 'answer') return answer(ctx, ex, verdict.answer);
    if (verdict.rewrites && rewrites) {
      const ends = { answer: (a: Answer) => answer(ctx, ex, a), finish: () => finish(ctx, ex) };
      return rewrites.start(ctx, ex, verdict.rewrites, ends).request(go);
    }
    go();
  };

  proxy.onRequest((ctx, callback) => {
    const req = ctx.clientToProxyRequest;
    const { url, host } = buildUrl(ctx);
    const ex: Exchange = {
      id: exchangeId(),
      kind: 'http',
      origin: 'proxy',
      request: { method: req.method ?? 'GET', url, host, httpVersion: req.httpVersion, headers: packHeaders(req.rawHeaders), body: new CapturedBody(opts.maxBodyBytes) },
      response: null,
      tunnel: null,
      upstream: null,
      error: null,
      timings: { startedAt: nowMs(), responseStartedAt: null, endedAt: null },
      meta: {},
    };
    const go = () => callback();
    const verdict = hooks.intercept(ex);
    if (!(verdict instanceof Promise)) return record(ctx, ex, verdict, go);
    verdict.then(
      (v) => record(ctx, ex, v, go),
      (err: Error) => {
        opts.log?.(`an intercept hook failed (${err.message}); the exchange goes on`);
        record(ctx, ex, { kind: 'go' }, go);
      },
    );
  });

  proxy.onResponse((ctx, callback) => {
    const ex = byCtx.get(ctx);
    const res = ctx.serverToProxyResponse;
    if (ex && res) {
      clearTimeout(timers.get(ctx));
      const upstream = { status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: packHeaders(res.rawHeaders), body: new CapturedBody(opts.maxBodyBytes) };
      ex.response = upstream;
      ex.timings.responseStartedAt = nowMs();
      tap(res, upstream.body, () => ctx.proxyToClientResponse);
      // A body held to be rewritten reaches the client after the upstream's has ended.
      if (rewrites?.of(ctx)?.response(upstream)) ctx.proxyToClientResponse.once('finish', () => finish(ctx, ex));
      else res.on('end', () => finish(ctx, ex));
      res.on('close', () => {
        if (!res.complete) fail(ctx, ex, 'upstream closed the connection before the response body ended');
      });
      hooks.run('responseHeaders', ex);
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
    // The client has its whole response already (a rewrite refused the upstream's body): nothing more to tell it.
    if (res.writableFinished) return;
    // A request a rule sent elsewhere names that rule and where it went.
    const rewrite = rewrites?.of(ctx);
    const target = rewrite?.destination?.host ?? ex?.request.host ?? upstreamTarget(ctx)?.host ?? 'upstream';
    const described = describeUpstreamError(err, target);
    const { status } = described;
    const text = rewrite?.mappedBy ? `rule ${JSON.stringify(rewrite.mappedBy)}: ${described.text}` : described.text;
    if (!res.headersSent) {
      const body = `Proxyscope: ${text}\n`;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-proxyscope-error': '1', connection: 'close' });
      res.end(body);
      if (ex) {
        ex.response = {
          status,
          reason: status === 504 ? 'Gateway Timeout' : 'Bad Gateway',
          headers: packHeaders(['content-type', 'text/plain; charset=utf-8', 'x-proxyscope-error', '1']),
          body: new CapturedBody(opts.maxBodyBytes),
        };
        ex.timings.responseStartedAt ??= nowMs();
        ex.response.body.push(Buffer.from(body));
      }
    } else {
      // Headers already went out: cut the connection so the client sees a truncated response.
      silenceLibraryErrorText(res);
      res.destroy();
    }
    if (ex) fail(ctx, ex, text);
  });
}
