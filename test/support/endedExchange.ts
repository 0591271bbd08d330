import { packHeaders } from '../../electron/core/store/exchange.js';

// The fields of a small ended GET exchange, for tests that build a message or
// an exchange copy around their own bodies.
export function endedExchange(id: string) {
  const t = Date.now();
  return {
    id,
    startedAt: t,
    endedAt: t + 1,
    method: 'GET',
    url: 'http://127.0.0.1:9/x',
    requestHeaders: packHeaders(['Host', '127.0.0.1:9']),
    responseHeaders: packHeaders(['Content-Type', 'text/plain']),
    status: 200,
    reason: 'OK',
  };
}
