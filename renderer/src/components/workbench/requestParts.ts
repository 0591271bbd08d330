// An exchange's request taken apart for "Copy as": its body as text or bytes,
// and the HAR request the snippet library reads. Pure, so it is tested alone.
import type { BodyView, ExchangeDetail, HeaderPair } from '../../../../electron/core/api.js';

/** What "Copy as" needs of an exchange. */
export type CopySource = Pick<ExchangeDetail, 'method' | 'url' | 'httpVersion'> & { request: { headers: HeaderPair[]; body: BodyView } };

/** A body as the snippets can carry it: text (valid UTF-8, no NUL), or bytes. */
export type RequestBody = { kind: 'none' } | { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array; base64: string };

/** The HAR 1.2 request (the fields httpsnippet reads). */
export interface HarRequestLike {
  method: string;
  url: string;
  httpVersion: string;
  headers: Array<{ name: string; value: string }>;
  queryString: Array<{ name: string; value: string }>;
  cookies: [];
  headersSize: -1;
  bodySize: number;
  postData?: { mimeType: string; text: string };
}

/** Headers the client of a snippet frames itself, or that name the connection rather than the request. */
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);
/** Body types the library rebuilds from params it parses itself (losing a body given as text): carried as plain text instead. */
const REBUILT = /^(application\/x-www-form-urlencoded|multipart\/)/i;

export const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  // In slices: one spread of a large body would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export const headerOf = (headers: readonly HeaderPair[], name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name)?.[1];

export function requestBody(body: BodyView, headers: readonly HeaderPair[]): RequestBody {
  const bytes = fromBase64(body.base64);
  if (bytes.length === 0) return { kind: 'none' };
  const coding = headerOf(headers, 'content-encoding')?.trim().toLowerCase();
  if (!coding || coding === 'identity') {
    try {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      if (!text.includes('\0')) return { kind: 'text', text };
    } catch {
      /* not UTF-8: bytes */
    }
  }
  return { kind: 'binary', bytes, base64: body.base64 };
}

/**
 * Repeated header fields joined into one, as RFC 9110 allows (Cookie with `; `):
 * the library keeps one value per name, and would drop the others.
 */
export function joinedHeaders(headers: readonly HeaderPair[]): HeaderPair[] {
  const byName = new Map<string, HeaderPair>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (FRAMING.has(key)) continue;
    const seen = byName.get(key);
    if (seen) seen[1] += (key === 'cookie' ? '; ' : ', ') + value;
    else byName.set(key, [name, value]);
  }
  return [...byName.values()];
}

/** The request as HAR, its query split into pairs (repeats kept) and the body only when it is text. */
export function harRequest(src: CopySource, body: RequestBody): HarRequestLike {
  const url = new URL(src.url);
  const queryString = [...url.searchParams].map(([name, value]) => ({ name, value }));
  url.search = '';
  url.hash = '';
  const headers = joinedHeaders(src.request.headers);
  const har: HarRequestLike = {
    method: src.method,
    url: url.toString(),
    httpVersion: `HTTP/${src.httpVersion}`,
    headers: headers.map(([name, value]) => ({ name, value })),
    queryString,
    cookies: [],
    headersSize: -1,
    bodySize: body.kind === 'none' ? 0 : src.request.body.size,
  };
  if (body.kind === 'text') {
    const type = headerOf(headers, 'content-type')?.split(';')[0]?.trim() ?? '';
    har.postData = { mimeType: type === '' || REBUILT.test(type) ? 'text/plain' : type, text: body.text };
  }
  return har;
}
