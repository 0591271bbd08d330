// What the outbox stores for a message: the exchange copy itself, as JSON, rather
// than the Runscope message built from it. Building a message (headers into an
// object, bodies decoded, the whole stringified) is the largest part of the
// delivery worker's work per exchange, and an exchange is committed while user
// traffic keeps the proxy busy; delivery waits for quiet. So the worker commits the
// copy and builds the message when it sends it or shows it: the same function of
// the same copy, so what the UI shows is what was sent.
import type { ExchangeCopy, ExchangeCopyWith } from './deliveryProtocol.js';
import { toRunscopeMessage, type BodySource } from './message.js';

/** ExchangeCopy with its bodies as base64 (null when not kept). A JSON array, so it starts with "[". */
type StoredCopy = ExchangeCopyWith<string | null>;

const base64Of = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : null);

function bodySource(size: number, truncated: boolean, base64: string | null): BodySource {
  const bytes = base64 === null ? Buffer.alloc(0) : Buffer.from(base64, 'base64');
  return { bytes: () => bytes, truncated, size };
}

export function storedFormOf(c: ExchangeCopy): string {
  const stored: StoredCopy = [c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], base64Of(c[12]), c[13], c[14], base64Of(c[15])];
  return JSON.stringify(stored);
}

/**
 * The Runscope message JSON for what the outbox holds. A message JSON object (an
 * outbox written before copies were stored, or a test's) is already that.
 */
export function messageTextOf(stored: string): string {
  if (!stored.startsWith('[')) return stored;
  const s = JSON.parse(stored) as StoredCopy;
  const [id, startedAt, endedAt, method, url, requestHeaders, responseHeaders, status, reason, logBody] = s;
  const requestBody = bodySource(s[10], s[11], s[12]);
  const responseBody = bodySource(s[13], s[14], s[15]);
  return JSON.stringify(toRunscopeMessage({ id, startedAt, endedAt, method, url, requestHeaders, responseHeaders, status, reason, requestBody, responseBody }, logBody));
}
