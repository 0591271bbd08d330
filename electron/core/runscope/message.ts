// Exchange → Runscope message (see shared/runscope-format.md).
// Rule for compressed bodies: when log_body is on and the body is gzip/br/deflate,
// we send the decoded bytes and drop content-encoding from the copied headers;
// if decoding fails we send the raw bytes (base64) and keep the header.
import type { CapturedBody } from '../flow/body.js';
import { decodeContent, textOrBase64 } from '../flow/contentEncoding.js';
import type { Exchange } from '../flow/exchange.js';
import { headerValue, unpackHeaders, type PackedHeaders } from '../flow/headers.js';

type HeaderObject = Record<string, string | string[]>;

export interface RunscopeMessage {
  unique_identifier: string;
  request: {
    method: string;
    url: string;
    headers: HeaderObject;
    timestamp: number;
    body?: string;
    body_encoding?: 'base64';
    form?: Record<string, string | string[]>;
  };
  response: {
    status: number;
    reason: string;
    headers: HeaderObject;
    timestamp: number;
    response_time: number;
    size_bytes: number;
    body?: string;
    body_encoding?: 'base64';
  };
}

/** Repeated headers become arrays; the first occurrence's case names the key. */
export function headersObject(packed: PackedHeaders, drop?: string): HeaderObject {
  const raw = unpackHeaders(packed);
  const out: HeaderObject = {};
  const keyFor = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === drop) continue;
    const key = keyFor.get(lower);
    if (key === undefined) {
      keyFor.set(lower, name);
      out[name] = value;
    } else {
      const prev = out[key]!;
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return out;
}

function encodeBody(bytes: Buffer): { body: string; body_encoding?: 'base64' } {
  const { text, base64 } = textOrBase64(bytes);
  return base64 ? { body: text, body_encoding: 'base64' } : { body: text };
}

function bodyFields(headers: PackedHeaders, bytes: Buffer, truncated: boolean) {
  const encoding = headerValue(headers, 'content-encoding');
  const decoded = bytes.length > 0 ? decodeContent(bytes, encoding, truncated) : bytes;
  const dropEncoding = decoded !== null && encoding !== undefined && decoded !== bytes;
  return {
    headers: headersObject(headers, dropEncoding ? 'content-encoding' : undefined),
    body: bytes.length > 0 ? encodeBody(decoded ?? bytes) : undefined,
    text: decoded ?? bytes,
  };
}

function formFields(text: Buffer): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text.toString('utf8'))) {
    const prev = form[key];
    form[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return form;
}

const noBody = { bytes: () => Buffer.alloc(0), truncated: false, size: 0 } as Pick<CapturedBody, 'bytes' | 'truncated' | 'size'>;

function side(headers: PackedHeaders, body: Pick<CapturedBody, 'bytes' | 'truncated'>, logBody: boolean) {
  return logBody ? bodyFields(headers, body.bytes(), body.truncated) : { headers: headersObject(headers), body: undefined, text: null };
}

/**
 * A WebSocket goes as its upgrade: the HTTP GET to the same resource (ws → http, wss → https, as RFC 6455 maps
 * them) and the 101, timed to the 101; its messages stay on this machine.
 */
function upgradeUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//i, 'http$1://');
}

export function toRunscopeMessage(ex: Exchange, logBody: boolean): RunscopeMessage {
  const { startedAt } = ex.timings;
  const ws = ex.kind === 'websocket';
  const ended = (ws ? ex.timings.responseStartedAt : null) ?? ex.timings.endedAt ?? startedAt;
  const response = ex.response ?? { status: 0, reason: '', headers: '', body: noBody };
  const req = side(ex.request.headers, ex.request.body, logBody);
  const res = side(response.headers, response.body, logBody);
  const contentType = logBody ? headerValue(ex.request.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase() : undefined;
  return {
    unique_identifier: ex.id,
    request: {
      method: ex.request.method,
      url: ws ? upgradeUrl(ex.request.url) : ex.request.url,
      headers: req.headers,
      timestamp: startedAt / 1000,
      ...req.body,
      ...(logBody && req.text && req.text.length > 0 && contentType === 'application/x-www-form-urlencoded'
        ? { form: formFields(req.text) }
        : {}),
    },
    response: {
      status: response.status,
      reason: response.reason,
      headers: res.headers,
      timestamp: ended / 1000,
      response_time: (ended - startedAt) / 1000,
      size_bytes: response.body.size,
      ...res.body,
    },
  };
}
