// Exchange summaries for the renderer's tests.
import type { ExchangeSummary } from '../../../electron/core/api.js';

export const summary = (id: string, over: Partial<ExchangeSummary> = {}): ExchangeSummary => ({
  id,
  kind: 'http',
  tunnel: null,
  startedAt: 0,
  method: 'GET',
  url: `http://h/${id}`,
  host: 'h',
  status: 200,
  state: 'complete',
  error: null,
  responseBytes: 0,
  durationMs: 1,
  delivery: null,
  path: `/${id}`,
  contentType: null,
  requestBytes: 0,
  httpVersion: '1.1',
  ...over,
});
