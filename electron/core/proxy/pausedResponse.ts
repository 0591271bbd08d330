// A response held before any of it reaches the client (a breakpoint's response
// phase). The proxy-wide head writer left its head alone (holdResponseHead), so
// whatever is decided can still change status and headers: the body is read
// (up to the capture cap), the hook decides, and the response goes on as it
// came, as edited, or the client's connection is closed.
import type { IContext } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import type { Exchange } from '../flow/exchange.js';
import { packPairs } from '../flow/headers.js';
import type { ResponseDecision } from '../pipeline/addon.js';
import type { ExchangeHooks } from './capture.js';
import { writeHeadAsSent } from './headerFidelity.js';
import { bodyOf, putBack, readPaused, type ReadBody } from './pausedBody.js';

/** What capture lends a held response: its own steps, so an exchange ends the same way whichever path it took. */
export interface ResponseSteps {
  maxBodyBytes: number;
  hooks: ExchangeHooks;
  /** Streams the rest from the upstream, tapped; the head must be written already. */
  relay(ctx: IContext, ex: Exchange): void;
  finish(ctx: IContext, ex: Exchange): void;
  fail(ctx: IContext, ex: Exchange, error: string): void;
  close(ctx: IContext, ex: Exchange, error: string): void;
  log?: (line: string) => void;
}

/** Aborted when the client's response closes: the client went away, or (later) the exchange is over. */
export function watchClient(ctx: IContext): AbortController {
  const client = new AbortController();
  const res = ctx.proxyToClientResponse;
  if (res.destroyed) client.abort();
  else res.once('close', () => client.abort());
  return client;
}

const NOTHING_READ: ReadBody = Object.freeze({ chunks: [], size: 0, ended: false }) as ReadBody;

export function holdResponse(ctx: IContext, ex: Exchange, first: ResponseDecision, steps: ResponseSteps, callback: () => void): void {
  decide(ctx, ex, first, steps, callback).catch((err: Error) => {
    steps.log?.(`a paused response could not go on (${err.message}); the client's connection is closed`);
    steps.close(ctx, ex, `the paused response could not go on (${err.message})`);
  });
}

async function decide(ctx: IContext, ex: Exchange, first: ResponseDecision, steps: ResponseSteps, callback: () => void): Promise<void> {
  const upstream = ctx.serverToProxyResponse!;
  let decision = first;
  let read: ReadBody | null = null;
  let client: AbortController | null = null;
  while (decision !== undefined && 'pause' in decision) {
    client ??= watchClient(ctx);
    read ??= client.signal.aborted ? NOTHING_READ : await readPaused(upstream, steps.maxBodyBytes);
    decision = await decision.pause({ body: bodyOf(read), complete: read.ended, signal: client.signal });
  }
  // The client went away meanwhile, or the upstream failed: the exchange has ended already.
  if (ex.timings.endedAt !== null) return;
  if (read && !read.ended && upstream.destroyed) return steps.close(ctx, ex, 'upstream closed the connection before the response body ended');
  if (decision !== undefined && 'close' in decision) return steps.close(ctx, ex, decision.close);
  if (decision === undefined) {
    const raw = upstream.rawHeaders;
    writeHeadAsSent(ctx, upstream.statusCode ?? 502, upstream.statusMessage ?? '', raw);
    if (read?.ended) return sendWhole(ctx, ex, bodyOf(read), steps);
    if (read) putBack(upstream, read);
    steps.relay(ctx, ex);
    return callback();
  }
  const edit = decision.send;
  // The rest of the upstream's body, if any, is read and dropped: the edit replaces it.
  if (!read?.ended) upstream.resume();
  ex.response = { status: edit.status, reason: edit.reason, headers: packPairs(edit.headers), body: new CapturedBody(steps.maxBodyBytes) };
  writeHeadAsSent(ctx, edit.status, edit.reason, edit.headers.flat());
  sendWhole(ctx, ex, edit.body, steps);
}

/** The whole body in one write; the exchange ends once the client has it. */
function sendWhole(ctx: IContext, ex: Exchange, body: Buffer, steps: ResponseSteps): void {
  const res = ctx.proxyToClientResponse;
  ex.response!.body.push(body);
  steps.hooks.run('responseHeaders', ex);
  res.on('finish', () => steps.finish(ctx, ex));
  res.end(body);
}
