// The one exchange model: what the proxy captures and every addon reads.
// It knows nothing of forwarding or storage; addons keep their own facts about
// an exchange in `meta` (the forward addon's delivery state, for one).
import type { ExchangeKind, ExchangeOrigin, ExchangeProgress, TunnelInfo } from '../api.js';
import type { CapturedBody } from './body.js';
import type { PackedHeaders } from './headers.js';
import type { WebSocketLog } from './websocket.js';

/** `http`, `tunnel` (a passed-through CONNECT) or `websocket`. */
export type { ExchangeKind } from '../api.js';
/** Where the exchange came from (api.ts says each). */
export type { ExchangeOrigin } from '../api.js';

export type MetaValue = string | number | boolean | null;

/** An addon set `meta[key]` of exchange `id` (which may no longer be in memory). */
export interface MetaChange {
  id: string;
  key: string;
  value: MetaValue;
}

export interface ExchangeRequest {
  method: string;
  /** Full URL with scheme and host. */
  url: string;
  /** host[:port] as in the URL. */
  host: string;
  httpVersion: string;
  headers: PackedHeaders;
  body: CapturedBody;
}

export interface ExchangeResponse {
  status: number;
  reason: string;
  headers: PackedHeaders;
  body: CapturedBody;
}

/** Wall-clock epoch milliseconds (with sub-millisecond digits). */
export interface ExchangeTimings {
  startedAt: number;
  responseStartedAt: number | null;
  endedAt: number | null;
}

/**
 * A passthrough tunnel's own facts; its bytes grow while it is open. The bytes
 * are not bodies: the tunnel's request and response bodies stay empty, so
 * sizes, body filters and body search never mistake TLS records for content.
 */
export type TunnelFacts = TunnelInfo;

/**
 * What went upstream and what came back, kept when a rewrite rule made them
 * differ from what the client sent and got. `Exchange.request` and `response`
 * stay the client's view (filters, summaries, HAR); a body null here is the
 * same bytes as the client's side.
 */
export interface ExchangeUpstream {
  /** The rewrite rules that matched, in list order. */
  rules: string[];
  /** The request as it went upstream; null when it went as the client sent it. */
  request: { method: string; url: string; headers: PackedHeaders; body: CapturedBody | null } | null;
  /** The upstream's response; null when the client got it as it came, or none came. */
  response: { status: number; reason: string; headers: PackedHeaders; body: CapturedBody | null } | null;
}

/**
 * A tunnel is kind `tunnel`, its request `CONNECT https://host[:port]/` with
 * the CONNECT's headers, and its response what the proxy answered the client:
 * `200 Connection established` (no headers) once the host accepted, a 502/504
 * with the proxy's error text when it did not, null before either. Views and
 * filters then read it like any exchange: status, duration, error, host.
 */
export interface Exchange {
  id: string;
  kind: ExchangeKind;
  origin: ExchangeOrigin;
  request: ExchangeRequest;
  /** null until response headers arrive, and for an exchange that failed before them. */
  response: ExchangeResponse | null;
  /** Set for kind `tunnel`, null for `http`. */
  tunnel: TunnelFacts | null;
  /** The other side of a rewrite; null when nothing was rewritten. */
  upstream: ExchangeUpstream | null;
  /** Set for kind `websocket` (its frames and close), null otherwise. */
  websocket: WebSocketLog | null;
  /**
   * For a `text/event-stream` response: when each chunk of its body arrived, as [bytes before it, epoch ms]
   * (at most MAX_CHUNK_TIMES; the events a chunk completes take its time). null for other responses.
   */
  chunkTimes: Array<[offset: number, at: number]> | null;
  /** Why the exchange failed; null while pending and when complete. */
  error: string | null;
  timings: ExchangeTimings;
  /** Small facts addons keep about the exchange, by addon-chosen key; serialised with it. */
  meta: Record<string, MetaValue>;
}

export const MAX_CHUNK_TIMES = 10_000;

/** Wall-clock milliseconds with sub-millisecond precision. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export function progressOf(ex: Exchange): ExchangeProgress {
  if (ex.timings.endedAt === null) return 'pending';
  return ex.error === null ? 'complete' : 'failed';
}

/** Body bytes the exchange holds in memory. */
export function capturedBytes(ex: Exchange): number {
  const up = ex.upstream;
  return ex.request.body.kept + (ex.response?.body.kept ?? 0) + (up?.request?.body?.kept ?? 0) + (up?.response?.body?.kept ?? 0) + (ex.websocket?.kept ?? 0);
}
