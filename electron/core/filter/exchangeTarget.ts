// The core's adapter from a flow Exchange to what a filter matches. Not
// Node-free (bodies are decoded with node:zlib through flow/contentEncoding),
// so the renderer never imports this file; the rest of filter/ is Node-free.
// Headers and bodies are read when a filter first asks for them, once.
import type { DeliveryState, ExchangeOrigin, HeaderPair } from '../api.js';
import type { CapturedBody } from '../flow/body.js';
import { decodeContent } from '../flow/contentEncoding.js';
import { progressOf, type Exchange } from '../flow/exchange.js';
import { headerPairs, headerValue, type PackedHeaders } from '../flow/headers.js';
import { urlParts } from '../flow/urlParts.js';
import { CLIENT_META, DELIVERY_META, PINNED_META } from '../flow/views.js';
import { framesText } from '../flow/websocket.js';
import type { FilterTarget } from './target.js';

const deliveryStates: ReadonlySet<string> = new Set<DeliveryState>(['queued', 'sent', 'retrying', 'failed']);
const lenient = new TextDecoder('utf-8');

/** host[:port] → the host name, lower case (`[::1]:8080` → `[::1]`). */
export function hostName(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1 || h.length);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** Body text after undoing Content-Encoding; invalid UTF-8 becomes U+FFFD. null when it cannot be decoded. */
export function bodyText(body: CapturedBody, headers: PackedHeaders): string | null {
  const decoded = decodeContent(body.bytes(), headerValue(headers, 'content-encoding'), body.truncated);
  return decoded === null ? null : lenient.decode(decoded);
}

class ExchangeTarget implements FilterTarget {
  readonly id: string;
  readonly pinned: boolean;
  readonly fromBrowser: boolean;
  readonly method: string;
  readonly url: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  readonly protocol: string;
  readonly port: number;
  readonly status: number | null;
  readonly requestSize: number;
  readonly responseSize: number | null;
  readonly durationMs: number | null;
  readonly delivery: DeliveryState | null;
  readonly error: string | null;
  readonly pending: boolean;
  readonly origin: ExchangeOrigin;
  private reqHeaders: HeaderPair[] | undefined;
  private resHeaders: HeaderPair[] | undefined;
  private reqBody: string | null | undefined;
  private resBody: string | null | undefined;

  constructor(private readonly ex: Exchange) {
    const { request, response, timings } = ex;
    this.id = ex.id;
    this.pinned = ex.meta[PINNED_META] === true;
    this.fromBrowser = typeof ex.meta[CLIENT_META] === 'string';
    this.method = request.method;
    this.url = request.url;
    this.host = hostName(request.host);
    ({ protocol: this.protocol, port: this.port, path: this.path, query: this.query } = urlParts(request.url));
    this.status = response?.status ?? null;
    this.requestSize = request.body.size;
    this.responseSize = response === null ? null : response.body.size;
    this.durationMs = timings.endedAt === null ? null : timings.endedAt - timings.startedAt;
    const delivery = ex.meta[DELIVERY_META];
    this.delivery = typeof delivery === 'string' && deliveryStates.has(delivery) ? (delivery as DeliveryState) : null;
    this.error = ex.error;
    this.pending = progressOf(ex) === 'pending';
    this.origin = ex.origin;
  }

  get contentType(): string | null {
    return this.ex.response === null ? null : (headerValue(this.ex.response.headers, 'content-type') ?? null);
  }
  get requestHeaders(): readonly HeaderPair[] {
    return (this.reqHeaders ??= headerPairs(this.ex.request.headers));
  }
  get responseHeaders(): readonly HeaderPair[] {
    return (this.resHeaders ??= this.ex.response === null ? [] : headerPairs(this.ex.response.headers));
  }
  // A websocket's bodies are its text messages: the client's are its request body, the server's its response's.
  get requestBody(): string | null {
    const ws = this.ex.websocket;
    if (this.reqBody === undefined) this.reqBody = ws ? framesText(ws, 'client') : bodyText(this.ex.request.body, this.ex.request.headers);
    return this.reqBody;
  }
  get responseBody(): string | null {
    const { response: res, websocket: ws } = this.ex;
    if (this.resBody === undefined) this.resBody = ws ? framesText(ws, 'server') : res === null ? null : bodyText(res.body, res.headers);
    return this.resBody;
  }
}

/** The exchange as a filter sees it; make one per match (it reads the exchange's state when made). */
export function exchangeTarget(ex: Exchange): FilterTarget {
  return new ExchangeTarget(ex);
}
