// One POST of one message, or of several as a JSON array, to one bucket of a
// Runscope-compatible collector. Never throws: every attempt ends in outcomes
// the outbox records.
import type { Pool } from 'undici';
import type { RunscopeSettings } from '../settings/schema.js';

export type AttemptResult =
  | { kind: 'sent'; httpStatus: number; uuid: string | null }
  | { kind: 'transient'; error: string; httpStatus: number | null }
  | { kind: 'invalid'; error: string; httpStatus: number | null }
  | { kind: 'auth'; error: string; httpStatus: number };

/**
 * What a POST of several messages came back with: one result per message, in
 * order, or `unbatched` when the collector would not take a list (it refused
 * the array, or its reply did not hold one result per message): send those
 * messages one per POST instead.
 */
export type BatchResult = { kind: 'results'; results: AttemptResult[] } | { kind: 'unbatched'; error: string; httpStatus: number | null };

/** Buckets whose URL is kept; past this the cache starts again (rules name a few buckets, not thousands). */
const URL_CACHE_MAX = 64;

export function messagesUrl(apiEndpoint: string, bucket: string): URL {
  const base = new URL(apiEndpoint);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}/buckets/${encodeURIComponent(bucket)}/messages`, base.origin);
}

interface ReplyItem {
  status?: string;
  uuid?: string;
  error?: unknown;
}

interface Reply {
  data?: ReplyItem[] | ReplyItem;
  meta?: { error_count?: number };
  error?: unknown;
}

function parseReply(text: string): Reply | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'collector reply is not JSON';
  }
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Reply) : 'collector reply is not a JSON object';
}

const rejected = (detail: unknown) => `collector rejected the message: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`.slice(0, 500);

function itemResult(item: ReplyItem | undefined, httpStatus: number, fallbackError: unknown): AttemptResult {
  if (item?.status === 'error') return { kind: 'invalid', error: rejected(item.error ?? fallbackError ?? 'status error'), httpStatus };
  return { kind: 'sent', httpStatus, uuid: typeof item?.uuid === 'string' ? item.uuid : null };
}

/** A 2xx reply to a single message. */
function singleResult(text: string, httpStatus: number): AttemptResult {
  const reply = parseReply(text);
  if (typeof reply === 'string') return { kind: 'invalid', error: reply, httpStatus };
  const item = Array.isArray(reply.data) ? reply.data[0] : reply.data;
  if ((reply.meta?.error_count ?? 0) > 0 && item?.status !== 'error') {
    return { kind: 'invalid', error: rejected(item?.error ?? reply.error ?? 'error_count > 0'), httpStatus };
  }
  return itemResult(item, httpStatus, reply.error);
}

/** A 2xx reply to `count` > 1 messages: Runscope answers one result per message, in order. */
function batchResults(text: string, httpStatus: number, count: number): BatchResult {
  const reply = parseReply(text);
  if (typeof reply === 'string') return { kind: 'unbatched', error: reply, httpStatus };
  if (!Array.isArray(reply.data) || reply.data.length !== count) {
    return { kind: 'unbatched', error: `collector answered ${Array.isArray(reply.data) ? reply.data.length : 'no list of'} results for ${count} messages`, httpStatus };
  }
  return { kind: 'results', results: reply.data.map((item) => itemResult(item, httpStatus, reply.error)) };
}

// undici loads with the first POST: a start with forwarding off need not pay for it.
let undici: typeof import('undici') | null = null;

export class RunscopeClient {
  private pool: Pool | null = null;
  private poolKey = '';
  /** Each bucket's messages URL, for one api_endpoint (a POST goes to one bucket; a few buckets are in use at a time). */
  private urls = { endpoint: '', byBucket: new Map<string, URL>() };

  private urlFor(s: RunscopeSettings, bucket: string): URL {
    if (this.urls.endpoint !== s.api_endpoint || this.urls.byBucket.size >= URL_CACHE_MAX) this.urls = { endpoint: s.api_endpoint, byBucket: new Map() };
    let url = this.urls.byBucket.get(bucket);
    if (!url) this.urls.byBucket.set(bucket, (url = messagesUrl(s.api_endpoint, bucket)));
    return url;
  }

  private async poolFor(origin: string, s: RunscopeSettings): Promise<Pool> {
    undici ??= await import('undici');
    const key = `${origin}|${s.keepalive}|${s.timeout}`;
    if (this.pool && this.poolKey === key) return this.pool;
    void this.pool?.close().catch(() => undefined);
    this.pool = new undici.Pool(origin, {
      connections: 8,
      pipelining: 1,
      keepAliveTimeout: s.keepalive,
      keepAliveMaxTimeout: s.keepalive,
      keepAliveTimeoutThreshold: 0,
      headersTimeout: s.timeout,
      bodyTimeout: s.timeout,
      connect: { timeout: s.timeout },
    });
    this.poolKey = key;
    return this.pool;
  }

  /** POSTs one message as a JSON object (as Kong did) to `bucket`. */
  async send(body: string, s: RunscopeSettings, bucket: string): Promise<AttemptResult> {
    const reply = await this.post(body, s, bucket);
    if (reply.kind !== 'reply') return reply;
    return reply.status >= 200 && reply.status < 300 ? singleResult(reply.text, reply.status) : refusal(reply.status, reply.text);
  }

  /** POSTs several messages, all for `bucket`, as one JSON array. */
  async sendBatch(bodies: string[], s: RunscopeSettings, bucket: string): Promise<BatchResult> {
    const all = (result: AttemptResult): BatchResult => ({ kind: 'results', results: bodies.map(() => result) });
    const reply = await this.post(`[${bodies.join(',')}]`, s, bucket);
    if (reply.kind !== 'reply') return all(reply);
    const { status, text } = reply;
    if (status >= 200 && status < 300) return batchResults(text, status, bodies.length);
    const refused = refusal(status, text);
    // A collector that takes one message per POST answers a list with a 4xx of its own.
    return refused.kind === 'invalid' ? { kind: 'unbatched', error: refused.error, httpStatus: status } : all(refused);
  }

  private async post(body: string, s: RunscopeSettings, bucket: string): Promise<{ kind: 'reply'; status: number; text: string } | Extract<AttemptResult, { kind: 'transient' }>> {
    const url = this.urlFor(s, bucket);
    try {
      // The pool's connect, headers and body timeouts bound each attempt (Kong's
      // `timeout` was a socket timeout too); no per-attempt AbortSignal needed.
      const res = await (await this.poolFor(url.origin, s)).request({
        method: 'POST',
        path: url.pathname + url.search,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access_token}` },
        body,
      });
      return { kind: 'reply', status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      const e = err as Error & { code?: string };
      const timedOut = e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT';
      const error = timedOut ? `no reply within ${s.timeout} ms` : `cannot reach ${url.origin}: ${e.code ?? e.message}`;
      return { kind: 'transient', error, httpStatus: null };
    }
  }

  async close(): Promise<void> {
    await this.pool?.destroy().catch(() => undefined);
    this.pool = null;
  }
}

/** A non-2xx reply. */
function refusal(status: number, text: string): Exclude<AttemptResult, { kind: 'sent' }> {
  if (status === 401 || status === 403) return { kind: 'auth', error: `access token rejected (HTTP ${status})`, httpStatus: status };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'transient', error: `collector answered HTTP ${status}`, httpStatus: status };
  return { kind: 'invalid', error: `collector refused the message: HTTP ${status} ${text.slice(0, 300)}`, httpStatus: status };
}
