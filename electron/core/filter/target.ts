// What a filter is matched against: a flat view of one exchange. The core makes
// one from an Exchange (exchangeTarget.ts); anything else (the renderer, an
// imported file) can make its own. Properties may be getters, read only when a
// filter needs them (the bodies, which may need decoding, and the headers).
import type { DeliveryState, ExchangeOrigin, HeaderPair } from '../api.js';

export interface FilterTarget {
  readonly id: string;
  /** Pinned by the user (meta `pinned`). */
  readonly pinned: boolean;
  /** Sent by a browser Open browser started (meta `client`, its name). */
  readonly fromBrowser: boolean;
  readonly method: string;
  /** Full URL with scheme and host. */
  readonly url: string;
  /** Host name without the port, lower case. */
  readonly host: string;
  /** The URL's path as sent, without the query; `/` at least. */
  readonly path: string;
  /** The URL's query without the `?`; '' when it has none. */
  readonly query: string;
  /** The URL's scheme: `http`, `https` (later `ws`, `wss`). */
  readonly protocol: string;
  /** The URL's port, or its scheme's (80, 443); 0 when neither says. */
  readonly port: number;
  /** null: no response (yet). */
  readonly status: number | null;
  /** The response's Content-Type; null when there is no response or it has none. */
  readonly contentType: string | null;
  readonly requestHeaders: readonly HeaderPair[];
  /** [] when there is no response. */
  readonly responseHeaders: readonly HeaderPair[];
  /** Decoded body text; null when it could not be decoded. */
  readonly requestBody: string | null;
  /** Decoded body text; null when there is no response or it could not be decoded. */
  readonly responseBody: string | null;
  /** Request body bytes on the wire. */
  readonly requestSize: number;
  /** Response body bytes on the wire; null when there is no response. */
  readonly responseSize: number | null;
  /** Request start to response end, ms; null while pending. */
  readonly durationMs: number | null;
  /** Forwarding state; null when the exchange was not forwarded. */
  readonly delivery: DeliveryState | null;
  /** Why the exchange failed; null when it did not. */
  readonly error: string | null;
  /** Not ended yet: no response, or the response still coming. */
  readonly pending: boolean;
  /** Where the exchange came from: the proxy, an import, Resend (replay) or the collector. */
  readonly origin: ExchangeOrigin;
}
