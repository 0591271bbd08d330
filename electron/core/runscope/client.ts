// One POST of one message to a Runscope-compatible collector. Never throws:
// every attempt ends in an outcome the outbox records.
import { Pool } from 'undici';
import type { RunscopeSettings } from '../settings/schema.js';

export type AttemptResult =
  | { kind: 'sent'; httpStatus: number; uuid: string | null }
  | { kind: 'transient'; error: string; httpStatus: number | null }
  | { kind: 'invalid'; error: string; httpStatus: number | null }
  | { kind: 'auth'; error: string; httpStatus: number };

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

function readReply(text: string): { ok: true; uuid: string | null } | { ok: false; error: string } {
  let json: { data?: ReplyItem[] | ReplyItem; meta?: { error_count?: number }; error?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'collector reply is not JSON' };
  }
  if (json === null || typeof json !== 'object') return { ok: false, error: 'collector reply is not a JSON object' };
  const item = Array.isArray(json.data) ? json.data[0] : json.data;
  if ((json.meta?.error_count ?? 0) > 0 || item?.status === 'error') {
    const detail = item?.error ?? json.error ?? 'error_count > 0';
    return { ok: false, error: `collector rejected the message: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`.slice(0, 500) };
  }
  return { ok: true, uuid: typeof item?.uuid === 'string' ? item.uuid : null };
}

export class RunscopeClient {
  private pool: Pool | null = null;
  private poolKey = '';
  private url: { endpoint: string; bucket: string; url: URL } | null = null;

  private urlFor(s: RunscopeSettings): URL {
    if (this.url?.endpoint !== s.api_endpoint || this.url.bucket !== s.bucket) {
      this.url = { endpoint: s.api_endpoint, bucket: s.bucket, url: messagesUrl(s.api_endpoint, s.bucket) };
    }
    return this.url.url;
  }

  private poolFor(origin: string, s: RunscopeSettings): Pool {
    const key = `${origin}|${s.keepalive}|${s.timeout}`;
    if (this.pool && this.poolKey === key) return this.pool;
    void this.pool?.close().catch(() => undefined);
    this.pool = new Pool(origin, {
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

  async send(body: string, s: RunscopeSettings): Promise<AttemptResult> {
    const url = this.urlFor(s);
    try {
      // The pool's connect, headers and body timeouts bound each attempt (Kong's
      // `timeout` was a socket timeout too); no per-attempt AbortSignal needed.
      const res = await this.poolFor(url.origin, s).request({
        method: 'POST',
        path: url.pathname + url.search,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access_token}` },
        body,
      });
      const text = await res.body.text();
      const status = res.statusCode;
      if (status === 401 || status === 403) return { kind: 'auth', error: `access token rejected (HTTP ${status})`, httpStatus: status };
      if (status === 408 || status === 429 || status >= 500) return { kind: 'transient', error: `collector answered HTTP ${status}`, httpStatus: status };
      if (status < 200 || status >= 300) return { kind: 'invalid', error: `collector refused the message: HTTP ${status} ${text.slice(0, 300)}`, httpStatus: status };
      const reply = readReply(text);
      return reply.ok ? { kind: 'sent', httpStatus: status, uuid: reply.uuid } : { kind: 'invalid', error: reply.error, httpStatus: status };
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
