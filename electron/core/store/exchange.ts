// One captured request/response pair, as the core keeps it in memory.
import type { BodyView, DeliveryState, ExchangeDetail, ExchangeState, ExchangeSummary, HeaderPair } from '../api.js';

/** Keeps the first `cap` bytes of a streamed body and counts the rest. */
export class CapturedBody {
  private chunks: Buffer[] = [];
  kept = 0;
  size = 0;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(Buffer.from(part)); // copy: the source buffer may be pooled
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.size > this.kept;
  }

  bytes(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.kept)];
    return this.chunks[0]!;
  }

  view(): BodyView {
    return { base64: this.bytes().toString('base64'), size: this.size, truncated: this.truncated };
  }
}

/**
 * Headers as Node's rawHeaders gives them: name, value, name, value … Kept as
 * that one array rather than an array per header: the store holds thousands of
 * exchanges, and every object in them is work for each full GC.
 */
export type RawHeaders = readonly string[];

/** Wall-clock milliseconds with sub-millisecond precision. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface Exchange {
  id: string;
  startedAt: number;
  method: string;
  url: string;
  host: string;
  httpVersion: string;
  requestHeaders: RawHeaders;
  requestBody: CapturedBody;
  status: number | null;
  reason: string;
  responseHeaders: RawHeaders;
  responseBody: CapturedBody;
  responseStartedAt: number | null;
  endedAt: number | null;
  state: ExchangeState;
  error: string | null;
  delivery: DeliveryState | null;
}

export function pairsFromRaw(raw: RawHeaders): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return headers[i + 1];
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
    request: { headers: pairsFromRaw(ex.requestHeaders), body: ex.requestBody.view() },
    response:
      ex.status === null
        ? null
        : { status: ex.status, reason: ex.reason, headers: pairsFromRaw(ex.responseHeaders), body: ex.responseBody.view() },
    timings: { startedAt: ex.startedAt, responseStartedAt: ex.responseStartedAt, endedAt: ex.endedAt },
  };
}

export function capturedBytes(ex: Exchange): number {
  return ex.requestBody.kept + ex.responseBody.kept;
}
