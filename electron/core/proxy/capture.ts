// Records every exchange by tapping the streams http-mitm-proxy already pipes,
// and drives the pipeline's hooks as the exchange goes. We never use
// onResponseData/addResponseFilter: those force chunked encoding and hold no
// backpressure. Taps copy at most `maxBodyBytes` per body.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { IContext, Proxy } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import { MAX_CHUNK_TIMES, nowMs, type Exchange } from '../flow/exchange.js';
import { packHeaders, packPairs } from '../flow/headers.js';
import { clientMeta } from '../flow/views.js';
import type { Answer, Paused, RequestEdit, ResponseHook, Verdict } from '../pipeline/addon.js';
import { exchangeId } from '../flow/exchangeId.js';
import { endToEndHeaders, holdResponseHead } from './headerFidelity.js';
import { filterUpstreamBody, setUpstreamRequestHeaders, setUpstreamTarget, silenceLibraryErrorText, upstreamTarget } from './mitmLibrary.js';
import { bodyOf, putBack, readPaused, replacingBody, type ReadBody } from './pausedBody.js';
import { holdResponse, watchClient } from './pausedResponse.js';
import { buildUrl } from './requestUrl.js';
import type { Rewrites } from './rewriteExchange.js';
import { tap } from './tap.js';
import { describeUpstreamError, UpstreamTimeoutError } from './upstreamErrors.js';

/** The hooks capture calls: the pipeline's. */
export interface ExchangeHooks {
  intercept(ex: Exchange): Verdict | Promise<Verdict>;
  run(hook: 'requestHeaders' | 'request' | 'responseHeaders' | 'response' | 'progress' | 'error', ex: Exchange): void;
  /** Called exactly once per recorded exchange, complete or failed. */
  done(ex: Exchange): void;
}

export interface CaptureOptions {
  maxBodyBytes: number;
  /** The browser Open browser started that a connection the proxy accepted came from, or null (browserEntrance.ts). */
  clientOf?: (socket: Socket | undefined) => string | null;
  upstreamTimeout: number;
  hooks: ExchangeHooks;
  log?: (line: string) => void;
}

/** A request an intercept hook held: its client, watched while it waits, and its body once a pause read it. */
interface Held {
  client: AbortController;
  read: ReadBody | null;
}

type Settled = Exclude<Verdict, { kind: 'pause' }>;


/** `rewrites`: where a rule's rewrite of an exchange is carried out (without it, rewrites are not applied). */
export function attachCapture(proxy: Proxy, opts: CaptureOptions, rewrites?: Rewrites): void {
  const { hooks } = opts;
  const byCtx = new WeakMap<IContext, Exchange>();
  const timers = new WeakMap<IContext, NodeJS.Timeout>();
  const helds = new WeakMap<IContext, Held>();
  const responseHooks = new WeakMap<IContext, ResponseHook>();
  /** Bytes a second the response body may reach the client at (a delay rule's kbps). */
  const throttles = new WeakMap<IContext, number>();

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

  /** Closes the client's connection (a breakpoint's Drop); the exchange records why. */
  const close = (ctx: IContext, ex: Exchange, error: string) => {
    fail(ctx, ex, error);
    ctx.proxyToServerRequest?.destroy();
    ctx.serverToProxyResponse?.destroy();
    ctx.proxyToClientResponse.destroy();
  };

  /** The request goes upstream as edited: the exchange records it as sent. */
  const editRequest = (ctx: IContext, ex: Exchange, edit: RequestEdit) => {
    const url = new URL(edit.url);
    ex.request.method = edit.method;
    ex.request.url = url.href;
    ex.request.host = url.host;
    ex.request.headers = packPairs(edit.headers);
    const port = Number(url.port) || (ctx.isSSL ? 443 : 80);
    setUpstreamTarget(ctx, { method: edit.method, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, path: `${url.pathname}${url.search}` });
    // The body goes whole: its length is in the edit's Content-Length, no Transfer-Encoding frames it.
    setUpstreamRequestHeaders(ctx, endToEndHeaders(edit.headers.flat(), false));
  };

  const record = (ctx: IContext, ex: Exchange, verdict: Settled, go: () => void) => {
    const held = helds.get(ctx);
    const read = held?.read ?? null;
    const req = ctx.clientToProxyRequest;
    if (verdict.kind === 'drop') {
      if (held?.client.signal.aborted) return;
      if (read?.ended) filterUpstreamBody(ctx, replacingBody(bodyOf(read)));
      else if (read) putBack(req, read);
      return go();
    }
    byCtx.set(ctx, ex);
    const edit = verdict.kind === 'go' ? verdict.request : undefined;
    if (edit) editRequest(ctx, ex, edit);
    // Known whole when edited or read to its end while paused; else tapped as it streams.
    const whole = edit ? edit.body : read?.ended ? bodyOf(read) : null;
    if (whole !== null) ex.request.body.push(whole);
    else {
      if (read) putBack(req, read);
      tap(req, ex.request.body, () => ctx.proxyToServerRequest);
    }
    ctx.proxyToClientResponse.on('close', () => {
      if (ex.timings.endedAt !== null) return;
      if (!ctx.proxyToClientResponse.writableFinished) {
        fail(ctx, ex, 'client closed the connection before the response was complete');
        ctx.serverToProxyResponse?.destroy();
        ctx.proxyToServerRequest?.destroy();
      }
    });
    const requestEnded = () => {
      hooks.run('request', ex);
      // The response deadline starts once the client has sent its whole request.
      if (ex.response !== null || ex.timings.endedAt !== null) return;
      const timer = setTimeout(
        () => ctx.proxyToServerRequest?.destroy(new UpstreamTimeoutError(opts.upstreamTimeout)),
        opts.upstreamTimeout,
      );
      timer.unref();
      timers.set(ctx, timer);
    };
    // Read to its end while paused, the request will not end again.
    const clientDone = read?.ended === true;
    if (!clientDone) req.on('end', requestEnded);
    hooks.run('requestHeaders', ex);
    if (held?.client.signal.aborted) return fail(ctx, ex, 'client closed the connection while the request was held');
    if (verdict.kind === 'close') return close(ctx, ex, verdict.error);
    if (verdict.kind === 'answer') answer(ctx, ex, verdict.answer);
    else {
      if (verdict.response) {
        holdResponseHead(ctx);
        responseHooks.set(ctx, verdict.response);
      }
      if (verdict.throttleKbps) throttles.set(ctx, (verdict.throttleKbps * 1000) / 8);
      const rewrite = verdict.rewrites && rewrites?.start(ctx, ex, verdict.rewrites, { hooks, answer, finish, close });
      if (rewrite) rewrite.request(go, whole);
      else {
        if (whole !== null) filterUpstreamBody(ctx, replacingBody(whole));
        go();
      }
    }
    if (clientDone) requestEnded();
  };

  /** Settles the intercept hooks' verdict: waits while they hold, reads the body when they pause. */
  const settle = (ctx: IContext, ex: Exchange, verdict: Verdict | Promise<Verdict>, go: () => void): void => {
    if (verdict instanceof Promise) {
      if (!helds.has(ctx)) helds.set(ctx, { client: watchClient(ctx), read: null });
      verdict.then(
        (v) => settle(ctx, ex, v, go),
        (err: Error) => {
          opts.log?.(`an intercept hook failed (${err.message}); the exchange goes on`);
          settle(ctx, ex, { kind: 'go' }, go);
        },
      );
      return;
    }
    if (verdict.kind === 'pause') return void pause(ctx, ex, verdict.decide, go);
    record(ctx, ex, verdict, go);
  };

  const pause = async (ctx: IContext, ex: Exchange, decide: (p: Paused) => Promise<Verdict>, go: () => void) => {
    let held = helds.get(ctx);
    if (!held) helds.set(ctx, (held = { client: watchClient(ctx), read: null }));
    const { signal } = held.client;
    held.read ??= signal.aborted ? { chunks: [], size: 0, ended: false } : await readPaused(ctx.clientToProxyRequest, opts.maxBodyBytes);
    const paused = { body: bodyOf(held.read), complete: held.read.ended, signal };
    // A hook that throws is a rejection: the exchange goes on, as for a failed hold.
    settle(ctx, ex, new Promise<Verdict>((resolve) => resolve(decide(paused))), go);
  };

  /** Streams the upstream's response to the client (the library pipes it), tapped. */
  const relay = (ctx: IContext, ex: Exchange) => {
    const res = ctx.serverToProxyResponse!;
    // An event stream's events take the time their chunk arrived (the detail lists them with it).
    const times: Exchange['chunkTimes'] = /^text\/event-stream\b/i.test(String(res.headers['content-type'] ?? '')) ? [] : null;
    ex.chunkTimes = times;
    const onChunk = (offset: number) => {
      if (times && times.length < MAX_CHUNK_TIMES) times.push([offset, nowMs()]);
      hooks.run('progress', ex);
    };
    tap(res, ex.response!.body, () => ctx.proxyToClientResponse, onChunk, throttles.get(ctx));
    res.on('end', () => finish(ctx, ex));
    res.on('close', () => {
      if (!res.complete) fail(ctx, ex, 'upstream closed the connection before the response body ended');
    });
    hooks.run('responseHeaders', ex);
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
      websocket: null,
      chunkTimes: null,
      error: null,
      timings: { startedAt: nowMs(), responseStartedAt: null, endedAt: null },
      // Inside a CONNECT, the client's connection is the CONNECT's.
      meta: clientMeta(opts.clientOf?.((ctx.connectRequest ?? req).socket)),
    };
    settle(ctx, ex, hooks.intercept(ex), () => callback());
  });

  proxy.onResponse((ctx, callback) => {
    const ex = byCtx.get(ctx);
    const res = ctx.serverToProxyResponse;
    if (!ex || !res) return callback();
    clearTimeout(timers.get(ctx));
    ex.response = { status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: packHeaders(res.rawHeaders), body: new CapturedBody(opts.maxBodyBytes) };
    ex.timings.responseStartedAt = nowMs();
    const hook = responseHooks.get(ctx);
    if (hook) return holdResponse(ctx, ex, hook(ex), { maxBodyBytes: opts.maxBodyBytes, hooks, relay, finish, fail, close, log: opts.log }, callback);
    const rewrite = rewrites?.of(ctx);
    if (rewrite?.rewritesResponse) return rewrite.response(ex.response, () => relay(ctx, ex), callback);
    relay(ctx, ex);
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
    const target = ex?.request.host ?? upstreamTarget(ctx)?.host ?? 'upstream';
    const { status, text } = rewrites?.of(ctx)?.upstreamFailure(err) ?? describeUpstreamError(err, target);
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
