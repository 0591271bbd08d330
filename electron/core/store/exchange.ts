// One captured request/response pair, as the core keeps it in memory.
import type { BodyView, DeliveryState, ExchangeDetail, ExchangeProgress, ExchangeSummary, HeaderPair } from '../api.js';

const noBytes = Buffer.alloc(0);

/**
 * Keeps the first `cap` bytes of a streamed body and counts the rest. Most bodies
 * arrive in one chunk (or none), so the first is held without an array: see
 * PackedHeaders for why objects per stored exchange count.
 */
export class CapturedBody {
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  kept = 0;
  size = 0;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = Buffer.from(chunk.length <= room ? chunk : chunk.subarray(0, room)); // copy: the source buffer may be pooled
    if (this.first === null) this.first = part;
    else (this.rest ??= []).push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.size > this.kept;
  }

  bytes(): Buffer {
    if (this.rest !== null) {
      this.first = Buffer.concat([this.first!, ...this.rest], this.kept);
      this.rest = null;
    }
    return this.first ?? noBytes;
  }

  view(): BodyView {
    return { base64: this.bytes().toString('base64'), size: this.size, truncated: this.truncated };
  }
}

/**
 * Headers as Node's rawHeaders gives them (name, value, name, value …) joined by
 * "\n" into one string, which HTTP forbids inside a name or value and Node's
 * parser refuses. One string rather than the array and its dozen strings: the
 * store holds thousands of exchanges, each young-generation GC copies every
 * object in them that is still alive, and each full GC marks them all.
 */
export type PackedHeaders = string;

export function packHeaders(raw: readonly string[]): PackedHeaders {
  return raw.join('\n');
}

export function unpackHeaders(packed: PackedHeaders): string[] {
  return packed === '' ? [] : packed.split('\n');
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface Exchange {
  id: string;
  startedAt: number;
  method: string;
  url: string;
  host: string;
  httpVersion: string;
  requestHeaders: PackedHeaders;
  requestBody: CapturedBody;
  status: number | null;
  reason: string;
  responseHeaders: PackedHeaders;
  responseBody: CapturedBody;
  responseStartedAt: number | null;
  endedAt: number | null;
  state: ExchangeProgress;
  error: string | null;
  delivery: DeliveryState | null;
}

export function headerPairs(packed: PackedHeaders): HeaderPair[] {
  const raw = unpackHeaders(packed);
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

export function headerValue(packed: PackedHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  const raw = unpackHeaders(packed);
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === lower) return raw[i + 1];
  return undefined;
}

export function toSummary(ex: Exchange): ExchangeSummary {
  return {
    id: ex.id,
    startedAt: ex.startedAt,
    method: ex.method,
    url: ex.url,
    host: ex.host,
    status: ex.status,
    state: ex.state,
    error: ex.error,
    responseBytes: ex.responseBody.size,
    durationMs: ex.endedAt === null ? null : Math.round((ex.endedAt - ex.startedAt) * 1000) / 1000,
    delivery: ex.delivery,
  };
}

export function toDetail(ex: Exchange): ExchangeDetail {
  return {
    ...toSummary(ex),
    httpVersion: ex.httpVersion,
    request: { headers: headerPairs(ex.requestHeaders), body: ex.requestBody.view() },
    response:
      ex.status === null
        ? null
        : { status: ex.status, reason: ex.reason, headers: headerPairs(ex.responseHeaders), body: ex.responseBody.view() },
    timings: { startedAt: ex.startedAt, responseStartedAt: ex.responseStartedAt, endedAt: ex.endedAt },
  };
}

export function capturedBytes(ex: Exchange): number {
  return ex.requestBody.kept + ex.responseBody.kept;
}
