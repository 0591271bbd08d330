// One exchange's rewrite (docs/rules.md, "Rewrite"), applied where the proxy
// carries it: the request's destination and head before the library makes the
// upstream request, and its body first when a rule rewrites it (the new
// Content-Length goes in the head); the response's head before it is written,
// or, when its body is rewritten, the whole response once the upstream's body
// has ended. Bodies are rewritten whole, so only up to the capture cap: past
// it the rewrite is refused and the client gets a 502 naming the rule and why.
// Exchange.request and .response stay the client's view; what went upstream
// and what came back go to Exchange.upstream where they differ.
import type http from 'node:http';
import type { IContext } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import type { Exchange, ExchangeResponse, ExchangeUpstream } from '../flow/exchange.js';
import { packHeaders, packPairs, unpackHeaders } from '../flow/headers.js';
import type { Answer, Rewrite } from '../pipeline/addon.js';
import { endToEndHeaders, type ResponseHead } from './headerFidelity.js';
import { setUpstreamDestination, setUpstreamRequestHeaders, skipLibraryResponseHead, upstreamRequest } from './mitmLibrary.js';
import { bodyRule, editRequestHeaders, editResponseHead, framed, mapDestination, responseHasBody, rewriteBody, setHeader, urlOf, type Destination } from './rewrite.js';

export interface RewriteSeams {
  /** The capture cap: the most of a body that is rewritten. */
  maxBodyBytes: number;
  /** The pooled agent for an upstream (certificates verified or not, as the settings say for that host). */
  agentFor(https: boolean, hostname: string, port: number): http.Agent;
}

/** What capture does for a rewrite that cannot be done. */
export interface RewriteEnds {
  /** Replies in place of the upstream, before any request went there. */
  answer(a: Answer): void;
  /** Ends the exchange: the refusal has been written in place of the upstream's response. */
  finish(): void;
}

/** The 502 a rewrite that cannot be done answers: the rule and why, also the exchange's error. */
export function refusal(rule: string, why: string): Answer {
  const error = `rule ${JSON.stringify(rule)}: ${why}`;
  const body = `Proxyscope ${error}\n`;
  const headers: Answer['headers'] = [['content-type', 'text/plain; charset=utf-8'], ['content-length', String(Buffer.byteLength(body))]];
  return { status: 502, reason: 'Bad Gateway', headers, body, error };
}

const overCap = (side: string, cap: number) => `the ${side} body is larger than the capture cap (${cap} bytes), so it cannot be rewritten`;

export class ExchangeRewrite {
  /** The rule whose url the request went to (the last), and that destination: named when it cannot be reached. */
  mappedBy: string | null = null;
  destination: Destination | null = null;
  private refused = false;

  constructor(
    private readonly ctx: IContext,
    private readonly ex: Exchange,
    private readonly rewrites: readonly Rewrite[],
    private readonly seams: RewriteSeams,
    private readonly ends: RewriteEnds,
  ) {}

  private get upstream(): ExchangeUpstream {
    return (this.ex.upstream ??= { rules: [...new Set(this.rewrites.map((r) => r.rule))], request: null, response: null });
  }

  private captured(bytes: Buffer): CapturedBody {
    const body = new CapturedBody(this.seams.maxBodyBytes);
    body.push(bytes);
    return body;
  }

  /** Before the request goes upstream: calls `go` once it is rewritten, or answers the refusal instead. */
  request(go: () => void): void {
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
    if (rule === null) return this.sendRequest(url, headers, recorded, null, false, go);

    this.wholeRequestBody(rule, (bytes) => {
      const r = rewriteBody(bytes, headers, this.rewrites, 'request');
      if (!r.ok) return this.ends.answer(refusal(r.rule, r.why));
      if (r.body) {
        headers = framed(headers, r.body.length, r.decoded);
        recorded = framed(recorded, r.body.length, r.decoded);
      }
      this.sendRequest(url, headers, recorded, r.body ?? bytes, r.body !== null, go);
    });
  }

  /** Reads the client's body to its end (capture's tap keeps it); past the cap, answers the refusal. */
  private wholeRequestBody(rule: string, then: (bytes: Buffer) => void): void {
    const req = this.ctx.clientToProxyRequest;
    const cap = this.seams.maxBodyBytes;
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= cap) return;
      req.off('data', onData).off('end', onEnd);
      this.ends.answer(refusal(rule, overCap('request', cap)));
    };
    const onEnd = () => {
      req.off('data', onData);
      then(this.ex.request.body.bytes());
    };
    req.on('data', onData).once('end', onEnd);
    req.resume();
  }

  /**
   * Sets the head and lets the library make the request. A body read here was
   * consumed before the library pipes the client's request (it then only ends
   * the upstream one), so it is written just before that end.
   */
  private sendRequest(url: string, headers: string[], recorded: string[], body: Buffer | null, changed: boolean, go: () => void): void {
    const { ctx, ex } = this;
    setUpstreamRequestHeaders(ctx, headers);
    const packed = packHeaders(recorded);
    if (url !== ex.request.url || packed !== ex.request.headers || changed) {
      this.upstream.request = { method: ex.request.method, url, headers: packed, body: changed && body ? this.captured(body) : null };
    }
    if (body) {
      ctx.onRequestEnd((c, done) => {
        c.proxyToServerRequest?.write(body);
        done();
      });
    }
    go();
  }

  private holdsBody(status: number): boolean {
    return bodyRule(this.rewrites, 'response') !== null && responseHasBody(this.ex.request.method, status);
  }

  /** For keepHeadersAsSent: the head the client gets; null while the body is to be rewritten first. */
  responseHead(head: ResponseHead): ResponseHead | null {
    return this.holdsBody(head.status) ? null : editResponseHead(head, this.rewrites);
  }

  /**
   * The upstream's response head is in and capture recorded it as `up`: makes
   * the exchange's response the client's and keeps `up` as the upstream's.
   * True when the body is held to be rewritten: the exchange then ends with
   * the client's response, not the upstream's.
   */
  response(up: ExchangeResponse): boolean {
    const held = this.holdsBody(up.status);
    const head = editResponseHead({ status: up.status, reason: up.reason, headers: unpackHeaders(up.headers) }, this.rewrites);
    const headers = packHeaders(head.headers);
    if (!held && head.status === up.status && head.reason === up.reason && headers === up.headers) return false;
    this.upstream.response = { status: up.status, reason: up.reason, headers: up.headers, body: held ? up.body : null };
    this.ex.response = { status: head.status, reason: head.reason, headers, body: held ? new CapturedBody(this.seams.maxBodyBytes) : up.body };
    if (held) this.holdBody(up);
    return held;
  }

  /** Nothing goes to the client while the upstream's body comes; at its end, the rewritten response goes whole. */
  private holdBody(up: ExchangeResponse): void {
    const { ctx } = this;
    const cap = this.seams.maxBodyBytes;
    skipLibraryResponseHead(ctx.proxyToClientResponse);
    let seen = 0;
    ctx.onResponseData((_c, chunk, done) => {
      seen += chunk.length;
      if (seen > cap && !this.refused) this.refuse(bodyRule(this.rewrites, 'response')!, overCap('response', cap));
      done(undefined, undefined);
    });
    ctx.onResponseEnd((_c, done) => {
      if (!this.refused) this.sendResponse(up);
      done();
    });
  }

  private sendResponse(up: ExchangeResponse): void {
    const bytes = up.body.bytes();
    const r = rewriteBody(bytes, unpackHeaders(up.headers), this.rewrites, 'response');
    if (!r.ok) return this.refuse(r.rule, r.why);
    const body = r.body ?? bytes;
    const client = this.ex.response!;
    client.headers = packHeaders(framed(unpackHeaders(client.headers), body.length, r.decoded));
    if (r.body) client.body.push(body);
    else {
      client.body = up.body;
      this.upstream.response!.body = null;
      if (client.status === up.status && client.reason === up.reason && client.headers === up.headers) this.forgetResponse();
    }
    const wire = editResponseHead({ status: up.status, reason: up.reason, headers: endToEndHeaders(this.ctx.serverToProxyResponse?.rawHeaders ?? [], false) }, this.rewrites);
    const res = this.ctx.proxyToClientResponse;
    res.sendDate = false;
    res.writeHead(wire.status, wire.reason, framed(wire.headers, body.length, r.decoded));
    res.write(body);
  }

  /** Nothing matched and the head came out the same: the client got the upstream's response as it was. */
  private forgetResponse(): void {
    const up = this.upstream;
    up.response = null;
    if (up.request === null) this.ex.upstream = null;
  }

  /** Answers the 502 in place of the upstream's response (its head was held) and ends the exchange with that error. */
  private refuse(rule: string, why: string): void {
    this.refused = true;
    const a = refusal(rule, why);
    const body = Buffer.from(a.body);
    this.ex.response = { status: a.status, reason: a.reason!, headers: packPairs(a.headers), body: this.captured(body) };
    this.ex.error = a.error!;
    const res = this.ctx.proxyToClientResponse;
    res.writeHead(a.status, a.reason, a.headers.flat());
    res.end(body);
    this.ends.finish();
    // The rest of the upstream's body is not wanted (it may never end): once the 502 is out, that connection goes.
    const upstream = this.ctx.serverToProxyResponse;
    res.once('finish', () => {
      if (upstream && !upstream.complete) upstream.destroy();
    });
  }
}

/** The exchanges being rewritten, by the library's context: capture starts them, keepHeadersAsSent asks for their heads. */
export class Rewrites {
  private readonly byCtx = new WeakMap<IContext, ExchangeRewrite>();
  constructor(private readonly seams: RewriteSeams) {}

  start(ctx: IContext, ex: Exchange, rewrites: readonly Rewrite[], ends: RewriteEnds): ExchangeRewrite {
    const rw = new ExchangeRewrite(ctx, ex, rewrites, this.seams, ends);
    this.byCtx.set(ctx, rw);
    return rw;
  }

  of(ctx: IContext): ExchangeRewrite | undefined {
    return this.byCtx.get(ctx);
  }

  readonly responseHead = (ctx: IContext, head: ResponseHead): ResponseHead | null => {
    const rw = this.byCtx.get(ctx);
    return rw ? rw.responseHead(head) : head;
  };
}
