// The exchange as the UI sees it (the API contract's summary and detail).
import type { DeliveryState, ExchangeDetail, ExchangeSummary } from '../api.js';
import { progressOf, type Exchange } from './exchange.js';
import { headerValue } from './headers.js';
import { toState } from './state.js';
import { urlParts } from './urlParts.js';

/** Forwarding records its state under this meta key; the summary shows it. */
export const DELIVERY_META = 'delivery';
/** The name of the browser Open browser started that sent it (each comes through its own entrance to the proxy). */
export const CLIENT_META = 'client';
export const clientMeta = (client: string | null | undefined): Record<string, string> => (client ? { [CLIENT_META]: client } : {});
/** Set (true) by the user's Pin; null when unpinned. */
export const PINNED_META = 'pinned';
/** Set (true) by a rule before the exchange ends: it is stored and shown, not forwarded. */
export const FORWARD_SKIP_META = 'forward.skip';
/** Set by a rule before the exchange ends: the bucket its message goes to instead of the settings' bucket. */
export const FORWARD_BUCKET_META = 'forward.bucket';

/** `text/html; charset=utf-8` → `text/html`; null when absent. */
export function mediaType(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() || null;
}

export function summaryOf(ex: Exchange): ExchangeSummary {
  const { startedAt, endedAt } = ex.timings;
  return {
    id: ex.id,
    kind: ex.kind,
    // A copy: an open tunnel's counts keep growing after the summary is taken.
    tunnel: ex.tunnel && { ...ex.tunnel },
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
    path: urlParts(ex.request.url).path,
    contentType: mediaType(ex.response === null ? undefined : headerValue(ex.response.headers, 'content-type')),
    requestBytes: ex.request.body.size,
    httpVersion: ex.request.httpVersion,
    ...(ex.websocket ? { messages: ex.websocket.frames.length + ex.websocket.dropped } : {}),
    ...(ex.meta[PINNED_META] === true ? { pinned: true as const } : {}),
  };
}

/**
 * A stored row with the meta its exchange holds in memory now. The store writes
 * a meta change (a delivery state, a pin) after the event that announces it, so
 * a page read in between would otherwise show the older value, and no later
 * event would correct it.
 */
export function withMemoryMeta(row: ExchangeSummary, ex: Exchange | undefined): ExchangeSummary {
  if (!ex) return row;
  const { pinned: _stored, ...rest } = row;
  return { ...rest, delivery: (ex.meta[DELIVERY_META] as DeliveryState | undefined) ?? null, ...(ex.meta[PINNED_META] === true ? { pinned: true as const } : {}) };
}

/** The summary plus the serialised request, response and timings. */
export function detailOf(ex: Exchange): ExchangeDetail {
  const state = toState(ex);
  return {
    ...summaryOf(ex),
    httpVersion: state.request.httpVersion,
    request: { headers: state.request.headers, body: state.request.body },
    response: state.response,
    upstream: state.upstream,
    websocket: state.websocket,
    chunkTimes: state.chunkTimes,
    timings: state.timings,
    meta: state.meta,
  };
}
