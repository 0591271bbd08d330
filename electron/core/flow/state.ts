// The exchange as plain, versioned JSON: what is stored, copied to the delivery
// worker, shown in the detail view and converted to HAR. fromState(toState(x))
// gives back every field of x.
import type { BodyView, HeaderPair } from '../api.js';
import { CapturedBody } from './body.js';
import type { Exchange, ExchangeKind, ExchangeOrigin, ExchangeTimings, MetaValue, TunnelFacts } from './exchange.js';
import { headerPairs, packPairs } from './headers.js';

export const STATE_VERSION = 1;

/** A body as bytes kept (base64) and bytes seen on the wire: truncated when size > kept. */
export type BodyState = BodyView;

export interface ExchangeState {
  v: typeof STATE_VERSION;
  id: string;
  kind: ExchangeKind;
  origin: ExchangeOrigin;
  request: { method: string; url: string; httpVersion: string; headers: HeaderPair[]; body: BodyState };
  response: { status: number; reason: string; headers: HeaderPair[]; body: BodyState } | null;
  /** A tunnel's port, bytes each way and rule; null for http. States stored before tunnels existed lack it (read as null). */
  tunnel: TunnelFacts | null;
  error: string | null;
  timings: ExchangeTimings;
  meta: Record<string, MetaValue>;
}

export interface StateOptions {
  /** false: bodies keep their size but no bytes (a copy that needs no bodies). */
  bodies?: boolean;
}

function bodyState(body: CapturedBody, withBytes: boolean): BodyState {
  const bytes = withBytes ? body.bytes() : Buffer.alloc(0);
  return { base64: bytes.toString('base64'), size: body.size, truncated: body.size > bytes.length };
}

function bodyFrom(state: BodyState, field: string): CapturedBody {
  if (typeof state?.base64 !== 'string' || !Number.isInteger(state.size)) throw new Error(`exchange state: ${field} is not a body`);
  return CapturedBody.restored(Buffer.from(state.base64, 'base64'), state.size);
}

const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

function tunnelFrom(state: ExchangeState): TunnelFacts | null {
  const t = state.tunnel ?? null;
  if (t === null && state.kind !== 'tunnel') return null;
  if (state.kind !== 'tunnel' || typeof t?.rule !== 'string' || !count(t.port) || !count(t.bytesUp) || !count(t.bytesDown)) {
    throw new Error('exchange state: tunnel is not a tunnel (port, bytesUp, bytesDown, rule), or does not go with the kind');
  }
  return { port: t.port, bytesUp: t.bytesUp, bytesDown: t.bytesDown, rule: t.rule };
}

/** host[:port] of a URL as the proxy records it; '' for a URL that does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function toState(ex: Exchange, opts: StateOptions = {}): ExchangeState {
  const bodies = opts.bodies ?? true;
  const { request: req, response: res } = ex;
  return {
    v: STATE_VERSION,
    id: ex.id,
    kind: ex.kind,
    origin: ex.origin,
    request: { method: req.method, url: req.url, httpVersion: req.httpVersion, headers: headerPairs(req.headers), body: bodyState(req.body, bodies) },
    response: res && { status: res.status, reason: res.reason, headers: headerPairs(res.headers), body: bodyState(res.body, bodies) },
    tunnel: ex.tunnel && { ...ex.tunnel },
    error: ex.error,
    timings: { ...ex.timings },
    meta: { ...ex.meta },
  };
}

/** Reads a state back into an exchange; throws naming the field when it is not one. */
export function fromState(state: ExchangeState): Exchange {
  if (state?.v !== STATE_VERSION) throw new Error(`exchange state: version ${JSON.stringify(state?.v)} is not ${STATE_VERSION}`);
  const { request: req, response: res } = state;
  if (typeof req?.url !== 'string' || typeof req.method !== 'string') throw new Error('exchange state: request is not a request');
  if (!Array.isArray(req.headers) || (res && !Array.isArray(res.headers))) throw new Error('exchange state: headers are not pairs');
  return {
    id: state.id,
    kind: state.kind,
    origin: state.origin,
    request: { method: req.method, url: req.url, host: hostOf(req.url), httpVersion: req.httpVersion, headers: packPairs(req.headers), body: bodyFrom(req.body, 'request.body') },
    response: res && { status: res.status, reason: res.reason, headers: packPairs(res.headers), body: bodyFrom(res.body, 'response.body') },
    tunnel: tunnelFrom(state),
    error: state.error,
    timings: { ...state.timings },
    meta: { ...state.meta },
  };
}
