// What a paused exchange becomes when the user edits it: their changes over
// what was paused, Content-Length following the body (it goes whole, never
// chunked), and whether anything changed at all: a resume that changes nothing
// is a plain resume, sent exactly as it came.
import { STATUS_CODES } from 'node:http';
import type { HeaderPair, RequestChanges, ResponseChanges } from '../../api.js';
import type { Answer, RequestEdit, ResponseEdit } from '../../pipeline/addon.js';

/** `edit` null: nothing changed. */
export type Built<T> = { ok: true; edit: T | null } | { ok: false; error: string };

export interface PausedRequest {
  method: string;
  url: string;
  headers: HeaderPair[];
  body: Buffer;
}

export interface PausedResponse {
  status: number;
  reason: string;
  headers: HeaderPair[];
  body: Buffer;
}

const framing = (name: string) => {
  const n = name.toLowerCase();
  return n === 'content-length' || n === 'transfer-encoding';
};

/**
 * The headers with one Content-Length saying `length` (where the first one
 * was, in its spelling; else last) and no Transfer-Encoding. `length` null
 * (a response that has no body) leaves both out.
 */
export function withLength(headers: readonly HeaderPair[], length: number | null): HeaderPair[] {
  const out: HeaderPair[] = [];
  let placed = false;
  for (const [name, value] of headers) {
    if (!framing(name)) out.push([name, value]);
    else if (!placed && length !== null && name.toLowerCase() === 'content-length') {
      out.push([name, String(length)]);
      placed = true;
    }
  }
  if (!placed && length !== null) out.push(['Content-Length', String(length)]);
  return out;
}

const bodyOf = (c: { body?: string; bodyBase64?: string }, was: Buffer): Buffer =>
  c.bodyBase64 !== undefined ? Buffer.from(c.bodyBase64, 'base64') : c.body !== undefined ? Buffer.from(c.body, 'utf8') : was;

const sameHeaders = (a: readonly HeaderPair[], b: readonly HeaderPair[]) => a.length === b.length && a.every(([n, v], i) => n === b[i]![0] && v === b[i]![1]);

/** No body goes with these, whatever the headers say (RFC 9110 6.4.1). */
const bodiless = (status: number, headRequest: boolean) => headRequest || status < 200 || status === 204 || status === 304;

export function requestEdit(was: PausedRequest, c: RequestChanges): Built<RequestEdit> {
  const before = new URL(was.url);
  let url: URL;
  try {
    url = new URL(c.url ?? was.url);
  } catch {
    return { ok: false, error: 'request.url: must be an absolute http(s) URL' };
  }
  // The client's connection (TLS or not) is already made: the scheme is its.
  if (url.protocol !== before.protocol) return { ok: false, error: `request.url: must stay ${before.protocol}// (the client's connection decides it)` };
  const method = c.method ?? was.method;
  let headers = c.headers ?? was.headers;
  // The Host header follows the URL, unless the user changed it too.
  if (url.host !== before.host) headers = headers.map(([n, v]): HeaderPair => (n.toLowerCase() === 'host' && v === before.host ? [n, url.host] : [n, v]));
  const body = bodyOf(c, was.body);
  if (method === was.method && url.href === before.href && sameHeaders(headers, was.headers) && body.equals(was.body)) return { ok: true, edit: null };
  // A body goes with its length, and so does an empty one the request framed before.
  const framed = body.length > 0 || was.headers.some(([n]) => framing(n));
  return { ok: true, edit: { method, url: url.href, headers: framed ? withLength(headers, body.length) : withLength(headers, null), body } };
}

export function responseEdit(was: PausedResponse, c: ResponseChanges, headRequest: boolean): Built<ResponseEdit> {
  const status = c.status ?? was.status;
  const reason = c.reason ?? (status === was.status ? was.reason : (STATUS_CODES[status] ?? ''));
  const headers = c.headers ?? was.headers;
  const body = bodyOf(c, was.body);
  if (status === was.status && reason === was.reason && sameHeaders(headers, was.headers) && body.equals(was.body)) return { ok: true, edit: null };
  // A response to HEAD keeps the length of the body it stands for, as the user gave it.
  const fixed = headRequest ? headers : withLength(headers, bodiless(status, false) ? null : body.length);
  return { ok: true, edit: { status, reason, headers: fixed, body: bodiless(status, headRequest) ? Buffer.alloc(0) : body } };
}

/** The user's own answer to a paused request. */
export function answerOf(status: number, headers: readonly HeaderPair[], body: Buffer, headRequest: boolean): Answer {
  const none = bodiless(status, headRequest);
  return { status, reason: STATUS_CODES[status] ?? '', headers: headRequest ? [...headers] : withLength(headers, none ? null : body.length), body: none ? Buffer.alloc(0) : body };
}
