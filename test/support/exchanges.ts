// Exchanges built by hand, for tests of what is made from one (messages,
// copies, HAR, the store) without a proxy.
import type { HeaderPair } from '../../electron/core/api.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import type { ExchangeHooks } from '../../electron/core/proxy/capture.js';
import { packPairs } from '../../electron/core/flow/headers.js';
import { hostOf } from '../../electron/core/flow/state.js';

export function body(bytes: Buffer | string, cap = 1024 * 1024): CapturedBody {
  const b = new CapturedBody(cap);
  b.push(Buffer.from(bytes));
  return b;
}

export interface ExchangeParts {
  id?: string;
  method?: string;
  url?: string;
  reqHeaders?: HeaderPair[];
  reqBody?: CapturedBody;
  /** null: no response (failed before one came). */
  status?: number | null;
  reason?: string;
  resHeaders?: HeaderPair[];
  resBody?: CapturedBody;
  error?: string | null;
  startedAt?: number;
  responseStartedAt?: number | null;
  endedAt?: number | null;
  meta?: Exchange['meta'];
}

export function exchange(p: ExchangeParts = {}): Exchange {
  const url = p.url ?? 'http://127.0.0.1:9/path?q=1';
  const status = p.status === undefined ? 200 : p.status;
  return {
    id: p.id ?? 'ex-1',
    kind: 'http',
    origin: 'proxy',
    request: { method: p.method ?? 'POST', url, host: hostOf(url), httpVersion: '1.1', headers: packPairs(p.reqHeaders ?? [['Host', '127.0.0.1:9']]), body: p.reqBody ?? new CapturedBody(10) },
    response:
      status === null
        ? null
        : { status, reason: p.reason ?? 'OK', headers: packPairs(p.resHeaders ?? [['Content-Type', 'text/plain']]), body: p.resBody ?? new CapturedBody(10) },
    error: p.error ?? null,
    timings: {
      startedAt: p.startedAt ?? 1_700_000_000_123.456,
      responseStartedAt: p.responseStartedAt === undefined ? 1_700_000_000_200 : p.responseStartedAt,
      endedAt: p.endedAt === undefined ? 1_700_000_000_373.456 : p.endedAt,
    },
    meta: p.meta ?? {},
  };
}

/** A small ended GET, timed now. */
export function endedExchange(id: string): Exchange {
  const t = Date.now();
  return exchange({ id, method: 'GET', url: 'http://127.0.0.1:9/x', startedAt: t, responseStartedAt: t + 0.5, endedAt: t + 1 });
}

/** Hooks for a proxy started alone: every exchange goes on, nothing is kept. */
export const noHooks: ExchangeHooks = { intercept: () => ({ kind: 'go' }), run: () => undefined, done: () => undefined };

/** Every field of an exchange, bodies as their bytes (hex), kept, size and truncation: for comparing two. */
export function exchangeFields(ex: Exchange) {
  const b = (x: CapturedBody) => ({ bytes: x.bytes().toString('hex'), kept: x.kept, size: x.size, truncated: x.truncated });
  return { ...ex, request: { ...ex.request, body: b(ex.request.body) }, response: ex.response && { ...ex.response, body: b(ex.response.body) } };
}
