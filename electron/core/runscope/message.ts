// Exchange → Runscope message (see shared/runscope-format.md).
// Rule for compressed bodies: when log_body is on and the body is gzip/br/deflate,
// we send the decoded bytes and drop content-encoding from the copied headers;
// if decoding fails we send the raw bytes (base64) and keep the header.
import zlib from 'node:zlib';
import { headerValue, unpackHeaders, type Exchange, type PackedHeaders } from '../store/exchange.js';

/** What a message is built from: a captured Exchange, or its copy sent to the delivery worker. */
export type MessageSource = Pick<Exchange, 'id' | 'startedAt' | 'endedAt' | 'method' | 'url' | 'requestHeaders' | 'responseHeaders' | 'status' | 'reason'> & {
  requestBody: BodySource;
  responseBody: BodySource;
};

export interface BodySource {
  bytes(): Buffer;
  truncated: boolean;
  size: number;
}

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeBody(bytes: Buffer): { body: string; body_encoding?: 'base64' } {
  try {
    return { body: utf8.decode(bytes) };
  } catch {
    return { body: bytes.toString('base64'), body_encoding: 'base64' };
  }
}

/** Decodes a (possibly truncated) compressed body; null when it cannot be decoded. */
export function decodeContent(bytes: Buffer, encoding: string | undefined, truncated: boolean): Buffer | null {
  const enc = encoding?.trim().toLowerCase();
  if (!enc || enc === 'identity') return bytes;
  const opts = truncated ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {};
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(bytes, opts);
    if (enc === 'deflate') {
      try {
        return zlib.inflateSync(bytes, opts);
      } catch {
        return zlib.inflateRawSync(bytes, opts);
      }
    }
    if (enc === 'br') return zlib.brotliDecompressSync(bytes, truncated ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } : {});
  } catch {
    return null;
  }
  return null;
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

export function toRunscopeMessage(ex: MessageSource, logBody: boolean): RunscopeMessage {
  const ended = ex.endedAt ?? ex.startedAt;
  const req = logBody
    ? bodyFields(ex.requestHeaders, ex.requestBody.bytes(), ex.requestBody.truncated)
    : { headers: headersObject(ex.requestHeaders), body: undefined, text: null };
  const res = logBody
    ? bodyFields(ex.responseHeaders, ex.responseBody.bytes(), ex.responseBody.truncated)
    : { headers: headersObject(ex.responseHeaders), body: undefined, text: null };
  const contentType = logBody ? headerValue(ex.requestHeaders, 'content-type')?.split(';')[0]?.trim().toLowerCase() : undefined;
  return {
    unique_identifier: ex.id,
    request: {
      method: ex.method,
      url: ex.url,
      headers: req.headers,
      timestamp: ex.startedAt / 1000,
      ...req.body,
      ...(logBody && req.text && req.text.length > 0 && contentType === 'application/x-www-form-urlencoded'
        ? { form: formFields(req.text) }
        : {}),
    },
    response: {
      status: ex.status ?? 0,
      reason: ex.reason,
      headers: res.headers,
      timestamp: ended / 1000,
      response_time: (ended - ex.startedAt) / 1000,
      size_bytes: ex.responseBody.size,
      ...res.body,
    },
  };
}
