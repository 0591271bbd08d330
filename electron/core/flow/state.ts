// The exchange as plain, versioned JSON: what is stored, copied to the delivery
// worker, shown in the detail view and converted to HAR. fromState(toState(x))
// gives back every field of x.
import type { BodyView, HeaderPair, UpstreamView, WebSocketView } from '../api.js';
import { CapturedBody } from './body.js';
import type { Exchange, ExchangeKind, ExchangeOrigin, ExchangeTimings, ExchangeUpstream, MetaValue, TunnelFacts } from './exchange.js';
import { headerPairs, packPairs } from './headers.js';
import { webSocketLogFrom, webSocketView } from './websocket.js';

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
  /** What went upstream and came back when a rewrite rule changed it; null otherwise. States stored before rewrites existed lack it (read as null). */
  upstream: UpstreamState | null;
  /** A websocket's frames and close; null for other kinds. States stored before websockets were recorded lack it (read as null). */
  websocket: WebSocketView | null;
  /** An event stream's chunk arrival times ([offset, epoch ms]); null otherwise, and in states stored before them. */
  chunkTimes: Array<[number, number]> | null;
  error: string | null;
  timings: ExchangeTimings;
  meta: Record<string, MetaValue>;
}

/** Exchange.upstream as JSON; its bodies always carry their bytes (see StateOptions). */
export type UpstreamState = UpstreamView;

export interface StateOptions {
  /**
   * false: the request and response bodies keep their size but no bytes (a
   * copy that needs no bodies, or one whose bytes travel apart). The upstream's
   * versions, kept only for rewritten exchanges, keep theirs: the session store
   * keeps them in the state, and the forward copy leaves `upstream` out.
   */
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

function websocketFrom(state: ExchangeState): Exchange['websocket'] {
  const w = state.websocket ?? null;
  if (w === null && state.kind !== 'websocket') return null;
  if (w === null || state.kind !== 'websocket') throw new Error('exchange state: websocket does not go with the kind');
  return webSocketLogFrom(w);
}

function chunkTimesFrom(state: ExchangeState): Exchange['chunkTimes'] {
  const c = state.chunkTimes ?? null;
  if (c === null) return null;
  if (!Array.isArray(c) || !c.every((p) => Array.isArray(p) && count(p[0]) && typeof p[1] === 'number')) throw new Error('exchange state: chunkTimes is not a list of [offset, time] pairs');
  return c.map(([o, t]) => [o, t]);
}

/** host[:port] of a URL as the proxy records it; '' for a URL that does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function upstreamState(up: ExchangeUpstream): UpstreamState {
  const { request: req, response: res } = up;
  return {
    rules: [...up.rules],
    request: req && { method: req.method, url: req.url, headers: headerPairs(req.headers), body: req.body && bodyState(req.body, true) },
    response: res && { status: res.status, reason: res.reason, headers: headerPairs(res.headers), body: res.body && bodyState(res.body, true) },
  };
}

function upstreamFrom(state: ExchangeState): ExchangeUpstream | null {
  const up = state.upstream ?? null;
  if (up === null) return null;
  const { request: req, response: res } = up;
  const pairs = (h: unknown) => Array.isArray(h) && h.every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
  if (!Array.isArray(up.rules) || !up.rules.every((r) => typeof r === 'string')) throw new Error('exchange state: upstream.rules is not a list of rule names');
  if (req !== null && (typeof req?.url !== 'string' || typeof req.method !== 'string' || !pairs(req.headers))) throw new Error('exchange state: upstream.request is not a request');
  if (res !== null && (!Number.isInteger(res?.status) || typeof res.reason !== 'string' || !pairs(res.headers))) throw new Error('exchange state: upstream.response is not a response');
  return {
    rules: [...up.rules],
    request: req && { method: req.method, url: req.url, headers: packPairs(req.headers), body: req.body === null ? null : bodyFrom(req.body, 'upstream.request.body') },
    response: res && { status: res.status, reason: res.reason, headers: packPairs(res.headers), body: res.body === null ? null : bodyFrom(res.body, 'upstream.response.body') },
  };
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
    upstream: ex.upstream && upstreamState(ex.upstream),
    websocket: ex.websocket && webSocketView(ex.websocket),
    chunkTimes: ex.chunkTimes && ex.chunkTimes.map(([o, t]) => [o, t]),
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
    upstream: upstreamFrom(state),
    websocket: websocketFrom(state),
    chunkTimes: chunkTimesFrom(state),
    error: state.error,
    timings: { ...state.timings },
    meta: { ...state.meta },
  };
}
