// The exchange as the UI sees it (the API contract's summary and detail).
import type { DeliveryState, ExchangeDetail, ExchangeSummary } from '../api.js';
import { progressOf, type Exchange } from './exchange.js';
import { toState } from './state.js';

/** Forwarding records its state under this meta key; the summary shows it. */
export const DELIVERY_META = 'delivery';

export function summaryOf(ex: Exchange): ExchangeSummary {
  const { startedAt, endedAt } = ex.timings;
  return {
    id: ex.id,
    startedAt,
    method: ex.request.method,
    url: ex.request.url,
    host: ex.request.host,
    status: ex.response?.status ?? null,
    state: progressOf(ex),
    error: ex.error,
    responseBytes: ex.response?.body.size ?? 0,
    durationMs: endedAt === null ? null : Math.round((endedAt - startedAt) * 1000) / 1000,
    delivery: (ex.meta[DELIVERY_META] as DeliveryState | undefined) ?? null,
  };
}

/** The summary plus the serialised request, response and timings. */
export function detailOf(ex: Exchange): ExchangeDetail {
  const state = toState(ex);
  return {
    ...summaryOf(ex),
    httpVersion: state.request.httpVersion,
    request: { headers: state.request.headers, body: state.request.body },
    response: state.response,
    timings: state.timings,
    meta: state.meta,
  };
}
