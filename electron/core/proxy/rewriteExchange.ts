// One exchange's rewrite (docs/rules.md, "Rewrite"), applied where the proxy
// carries it: the request's destination and head before the library makes the
// upstream request, and its body read whole first when a rule rewrites it (the
// new Content-Length goes in the head); the response's head held from the
// start (holdResponseHead), then written as rewritten, or, when its body is
// rewritten, the whole response once the upstream's body is read. Bodies are
// rewritten whole, so only up to the capture cap: past it the rewrite is
// refused and the client gets a 502 naming the rule and why.
// Exchange.request and .response stay the client's view; what went upstream
// and what came back go to Exchange.upstream where they differ.
import type http from 'node:http';
import type { IContext } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import type { Exchange, ExchangeResponse, ExchangeUpstream } from '../flow/exchange.js';
import { packHeaders, packPairs, unpackHeaders } from '../flow/headers.js';
import type { Answer, Rewrite } from '../pipeline/addon.js';
import type { ExchangeHooks } from './capture.js';
import { holdResponseHead, writeHeadAsSent } from './headerFidelity.js';
import { filterUpstreamBody, setUpstreamDestination, setUpstreamRequestHeaders, upstreamRequest } from './mitmLibrary.js';
import { bodyOf, readPaused, replacingBody, type ReadBody } from './pausedBody.js';
import { describeUpstreamError } from './upstreamErrors.js';
import { bodyRule, editRequestHeaders, editResponseHead, framed, mapDestination, responseHasBody, rewriteBody, setHeader, urlOf, type Destination, type ResponseHead } from './rewrite.js';

export interface RewriteSeams {
  /** The capture cap: the most of a body that is rewritten. */
  maxBodyBytes: number;
  /** The pooled agent for an upstream (certificates verified or not, as the settings say for that host). */
  agentFor(https: boolean, hostname: string, port: number): http.Agent;
}

/** What capture lends a rewrite: its own steps, so an exchange ends the same way whichever path it took. */
export interface RewriteSteps {
  hooks: ExchangeHooks;
  /** Replies in place of the upstream, before any request went there. */
  answer(ctx: IContext, ex: Exchange, a: Answer): void;
  finish(ctx: IContext, ex: Exchange): void;
  /** Closes the client's connection; the exchange records why. */
  close(ctx: IContext, ex: Exchange, error: string): void;
}

/** The 502 a rewrite that cannot be done answers: the rule and why, also the exchange's error. */
export function refusal(rule: string, why: string): Answer {
  const error = `rule ${JSON.stringify(rule)}: ${why}`;
  const body = `Proxyscope ${error}\n`;
  const headers: Answer['headers'] = [['content-type', 'text/plain; charset=utf-8'], ['content-length', String(Buffer.byteLength(body))]];
  return { status: 502, reason: 'Bad Gateway', headers, body, error };
}

const overCap = (side: string, cap: number) => `the ${side} body is larger than the capture cap (${cap} bytes), so it cannot be rewritten`;
/** A read that stopped short of the end because of the cap (readPaused reads none of a body declared larger), not because its peer went away. */
const stoppedAtCap = (read: ReadBody, source: http.IncomingMessage, cap: number) => read.size > cap || Number(source.headers['content-length']) > cap;
const touchesResponse = (r: Rewrite) => r.status !== undefined || r.setResponseHeaders !== undefined || r.removeResponseHeaders !== undefined || r.replaceBody?.on === 'response';

export class ExchangeRewrite {
  /** The rule whose url the request went to (the last), and that destination: named when it cannot be reached. */
  private mappedBy: string | null = null;
  private destination: Destination | null = null;
  /** Whether the response is the rewrite's to write (its head is held from the start). */
  readonly rewritesResponse: boolean;

  constructor(
    private readonly ctx: IContext,
    private readonly ex: Exchange,
    private readonly rewrites: readonly Rewrite[],
    private readonly seams: RewriteSeams,
    private readonly steps: RewriteSteps,
  ) {
    this.rewritesResponse = rewrites.some(touchesResponse);
    if (this.rewritesResponse) holdResponseHead(ctx);
  }

  private answer(a: Answer): void {
    this.steps.answer(this.ctx, this.ex, a);
  }

  /** How the client is told of an upstream that failed: for a request a rule sent elsewhere, naming the rule and where it went; else null. */
  upstreamFailure(err: unknown): { status: 502 | 504; text: string } | null {
    if (this.mappedBy === null || this.destination === null) return null;
    const { status, text } = describeUpstreamError(err, this.destination.host);
    return { status, text: `rule ${JSON.stringify(this.mappedBy)}: ${text}` };
  }

  private get upstream(): ExchangeUpstream {
    return (this.ex.upstream ??= { rules: [...new Set(this.rewrites.map((r) => r.rule))], request: null, response: null });
  }

  private captured(bytes: Buffer): CapturedBody {
    const body = new CapturedBody(this.seams.maxBodyBytes);
    body.push(bytes);
    return body;
  }

  /**
   * Before the request goes upstream: calls `go` once it is rewritten, or
   * answers the refusal instead. `whole`: its body when already read (a pause
   * read it, or a breakpoint's edit gave it), else it is still in the stream.
   */
  request(go: () => void, whole: Buffer | null): void {
    const { ctx, ex } = this;
    const wire = upstreamRequest(ctx);
    if (!wire) return go();
    let headers = wire.headers;
    let recorded = unpackHeaders(ex.request.headers);
    let url = ex.request.url;
    for (const r of this.rewrites) {
      if (r.url === undefined) continue;
      this.destination = mapDestination(this.destination?.path ?? wire.path, r.url);
      this.mappedBy = r.rule;
    }
    const to = this.destination;
    if (to) {
      setUpstreamDestination(ctx, to, this.seams.agentFor(to.https, to.hostname, to.port));
      headers = setHeader(headers, 'Host', to.host);
      recorded = setHeader(recorded, 'Host', to.host);
      url = urlOf(to);
    }
    headers = editRequestHeaders(headers, this.rewrites);
    recorded = editRequestHeaders(recorded, this.rewrites);
    const rule = bodyRule(this.rewrites, 'request');
    const send = (bytes: Buffer | null) => {
      if (rule === null || bytes === null) return this.sendRequest(url, headers, recorded, bytes, false, go);
      const r = rewriteBody(bytes, headers, this.rewrites, 'request');
      if (!r.ok) return this.answer(refusal(r.rule, r.why));
      if (r.body) {
        headers = framed(headers, r.body.length, r.decoded);
        recorded = framed(recorded, r.body.length, r.decoded);
      }
      this.sendRequest(url, headers, recorded, r.body ?? bytes, r.body !== null, go);
    };
    if (whole !== null || rule === null) return send(whole);
    // Capture's tap records the body as it is read here.
    const req = ctx.clientToProxyRequest;
    const cap = this.seams.maxBodyBytes;
    void readPaused(req, cap).then((read) => {
      if (ex.timings.endedAt !== null) return;
      if (read.ended) return send(bodyOf(read));
      // Past the cap, refused; else the client went away, which capture records.
      if (stoppedAtCap(read, req, cap)) this.answer(refusal(rule, overCap('request', cap)));
    });
  }

  /** Sets the head and lets the library make the request; a body read here goes as the whole body (the client's stream has ended). */
  private sendRequest(url: string, headers: string[], recorded: string[], body: Buffer | null, changed: boolean, go: () => void): void {
    const { ctx, ex } = this;
    setUpstreamRequestHeaders(ctx, headers);
    const packed = packHeaders(recorded);
    if (url !== ex.request.url || packed !== ex.request.headers || changed) {
      this.upstream.request = { method: ex.request.method, url, headers: packed, body: changed && body ? this.captured(body) : null };
    }
    if (body) filterUpstreamBody(ctx, replacingBody(body));
    go();
  }

  /**
   * The upstream's response head is in, and capture recorded it as `up`
   * (nothing of it has reached the client): writes the rewritten head and
   * `relay`s the body, or reads the body to rewrite it and sends it whole.
   */
  response(up: ExchangeResponse, relay: () => void, callback: (err?: Error) => void): void {
    const { ctx, ex } = this;
    const head = editResponseHead({ status: up.status, reason: up.reason, headers: unpackHeaders(up.headers) }, this.rewrites);
    if (bodyRule(this.rewrites, 'response') !== null && responseHasBody(ex.request.method, up.status)) {
      return void this.rewriteResponseBody(up, head).catch((err: Error) => this.steps.close(ctx, ex, `the rewritten response could not go on (${err.message})`));
    }
    const headers = packHeaders(head.headers);
    if (head.status !== up.status || head.reason !== up.reason || headers !== up.headers) {
      this.upstream.response = { status: up.status, reason: up.reason, headers: up.headers, body: null };
      ex.response = { status: head.status, reason: head.reason, headers, body: up.body };
    }
    try {
      writeHeadAsSent(ctx, head.status, head.reason, head.headers);
    } catch (err) {
      return callback(err as Error); // a head Node will not write: the error handler answers 502
    }
    relay();
    callback();
  }

  /** The library never pipes this response: the body is read here, and the client gets the rewritten one in one write. */
  private async rewriteResponseBody(up: ExchangeResponse, head: ResponseHead): Promise<void> {
    const { ctx, ex } = this;
    const upstream = ctx.serverToProxyResponse!;
    const read = await readPaused(upstream, this.seams.maxBodyBytes);
    if (ex.timings.endedAt !== null) return; // the client went away meanwhile
    const bytes = bodyOf(read);
    const cap = this.seams.maxBodyBytes;
    this.upstream.response = { status: up.status, reason: up.reason, headers: up.headers, body: this.captured(bytes) };
    if (!read.ended) {
      if (stoppedAtCap(read, upstream, cap)) return this.refuse(bodyRule(this.rewrites, 'response')!, overCap('response', cap));
      return this.steps.close(this.ctx, ex, 'upstream closed the connection before the response body ended');
    }
    const r = rewriteBody(bytes, unpackHeaders(up.headers), this.rewrites, 'response');
    if (!r.ok) return this.refuse(r.rule, r.why);
    const body = r.body ?? bytes;
    const headers = framed(head.headers, body.length, r.decoded);
    const packed = packHeaders(headers);
    if (r.body === null) {
      this.upstream.response.body = null;
      // Nothing matched and the head came out the same: the client got the upstream's response as it was.
      if (head.status === up.status && head.reason === up.reason && packed === up.headers) this.forgetResponse();
    }
    ex.response = { status: head.status, reason: head.reason, headers: packed, body: this.captured(body) };
    this.sendWhole(head.status, head.reason, headers, body);
  }

  private forgetResponse(): void {
    const up = this.upstream;
    up.response = null;
    if (up.request === null) this.ex.upstream = null;
  }

  private sendWhole(status: number, reason: string, headers: string[], body: Buffer): void {
    const res = this.ctx.proxyToClientResponse;
    writeHeadAsSent(this.ctx, status, reason, headers);
    this.steps.hooks.run('responseHeaders', this.ex);
    res.on('finish', () => this.steps.finish(this.ctx, this.ex));
    res.end(body);
  }

  /** Answers the 502 in place of the upstream's response and ends the exchange with that error. */
  private refuse(rule: string, why: string): void {
    const a = refusal(rule, why);
    const body = Buffer.from(a.body);
    this.ex.response = { status: a.status, reason: a.reason!, headers: packPairs(a.headers), body: this.captured(body) };
    this.ex.error = a.error!;
    // The rest of the upstream's body is not wanted (it may never end): once the 502 is out, that connection goes.
    const upstream = this.ctx.serverToProxyResponse;
    this.ctx.proxyToClientResponse.once('finish', () => {
      if (upstream && !upstream.complete) upstream.destroy();
    });
    this.sendWhole(a.status, a.reason!, a.headers.flat(), body);
  }
}

/** The exchanges being rewritten, by the library's context: capture starts them and asks for them at the response. */
export class Rewrites {
  private readonly byCtx = new WeakMap<IContext, ExchangeRewrite>();
  constructor(private readonly seams: RewriteSeams) {}

  start(ctx: IContext, ex: Exchange, rewrites: readonly Rewrite[], steps: RewriteSteps): ExchangeRewrite {
    const rw = new ExchangeRewrite(ctx, ex, rewrites, this.seams, steps);
    this.byCtx.set(ctx, rw);
    return rw;
  }

  of(ctx: IContext): ExchangeRewrite | undefined {
    return this.byCtx.get(ctx);
  }
}
