// A Runscope message as a collector receives it (from Kong's plugin or another
// Proxyscope), checked field by field, and the exchange state made from it
// (origin `collected`). The rules are those docs/runscope.md gives for sending;
// fields a sender adds beyond them are ignored.
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { HeaderPair } from '../api.js';
import { exchangeId } from '../flow/exchangeId.js';
import { STATE_VERSION, type BodyState, type ExchangeState } from '../flow/state.js';

const headers = z.record(z.string().max(8192), z.union([z.string().max(65_536), z.array(z.string().max(65_536)).max(1000)]));
const body = { body: z.string().optional(), body_encoding: z.literal('base64').optional() };
const httpUrl = z.string().max(65_536).refine((u) => /^https?:\/\/[^/\s]/i.test(u) && URL.canParse(u), { error: 'must be an absolute http(s) URL' });
const seconds = z.number().nonnegative().finite();

export const collectedMessageSchema = z.object({
  unique_identifier: z.string().min(1).max(200).optional(),
  request: z.object({
    method: z.string().min(1).max(100).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be an HTTP method' }),
    url: httpUrl,
    headers: headers.default({}),
    timestamp: seconds,
    form: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    ...body,
  }),
  response: z.object({
    status: z.number().int().min(0).max(999),
    reason: z.string().max(1000).optional(),
    headers: headers.default({}),
    timestamp: seconds.optional(),
    response_time: seconds.optional(),
    size_bytes: z.number().int().nonnegative().optional(),
    ...body,
  }),
});

export type CollectedMessage = z.output<typeof collectedMessageSchema>;

function pairs(h: CollectedMessage['request']['headers']): HeaderPair[] {
  const out: HeaderPair[] = [];
  for (const [name, value] of Object.entries(h)) for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  return out;
}

function bodyState(text: string | undefined, encoding: 'base64' | undefined, wireSize?: number): BodyState {
  const bytes = text === undefined ? Buffer.alloc(0) : encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  const size = Math.max(bytes.length, wireSize ?? 0);
  return { base64: bytes.toString('base64'), size, truncated: size > bytes.length };
}

/** The exchange a message describes. Its id is the sender's unique_identifier, so a message sent twice is stored once. */
export function collectedState(m: CollectedMessage, bucket: string): ExchangeState {
  const startedAt = m.request.timestamp * 1000;
  const r = m.response;
  const endedAt = r.timestamp !== undefined ? r.timestamp * 1000 : startedAt + (r.response_time ?? 0) * 1000;
  return {
    v: STATE_VERSION,
    id: m.unique_identifier ?? exchangeId(Math.round(startedAt)),
    kind: 'http',
    origin: 'collected',
    request: { method: m.request.method, url: m.request.url, httpVersion: '1.1', headers: pairs(m.request.headers), body: bodyState(m.request.body, m.request.body_encoding) },
    // Status 0: the sender got no response.
    response: r.status === 0 ? null : { status: r.status, reason: r.reason ?? STATUS_CODES[r.status] ?? '', headers: pairs(r.headers), body: bodyState(r.body, r.body_encoding, r.size_bytes) },
    tunnel: null,
    upstream: null,
    websocket: null,
    chunkTimes: null,
    error: r.status === 0 ? 'no response (as the sender reported it)' : null,
    timings: { startedAt, responseStartedAt: null, endedAt: Math.max(startedAt, endedAt) },
    meta: { bucket },
  };
}
