// The one exchange model: what the proxy captures and every addon reads.
// It knows nothing of forwarding or storage; addons keep their own facts about
// an exchange in `meta` (the forward addon's delivery state, for one).
import type { ExchangeProgress } from '../api.js';
import type { CapturedBody } from './body.js';
import type { PackedHeaders } from './headers.js';

/** `http` today; WebSocket and tunnels come as their own kinds. */
export type ExchangeKind = 'http';
/** Where the exchange came from: captured by the proxy, or converted from an imported file (HAR); replayed ones come later. */
export type ExchangeOrigin = 'proxy' | 'import';

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

export interface Exchange {
  id: string;
  kind: ExchangeKind;
  origin: ExchangeOrigin;
  request: ExchangeRequest;
  /** null until response headers arrive, and for an exchange that failed before them. */
  response: ExchangeResponse | null;
  /** Why the exchange failed; null while pending and when complete. */
  error: string | null;
  timings: ExchangeTimings;
  /** Small facts addons keep about the exchange, by addon-chosen key; serialised with it. */
  meta: Record<string, MetaValue>;
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export function progressOf(ex: Exchange): ExchangeProgress {
  if (ex.timings.endedAt === null) return 'pending';
  return ex.error === null ? 'complete' : 'failed';
}

/** Body bytes the exchange holds in memory. */
export function capturedBytes(ex: Exchange): number {
  return ex.request.body.kept + (ex.response?.body.kept ?? 0);
}
