// Messages between the proxy thread (sessionChannel.ts) and the session worker
// (sessionWorker.ts). Exchanges cross as their state without body bytes plus
// the bytes themselves: a structured clone copies a byte array in one go,
// where base64 in JSON would cost both threads.
import type { Commands, CountQuery, ExchangeDetail, ExchangeQuery, ImportHarStep, QueryCount, QueryPage, SessionInfo } from '../../api.js';
import type { Exchange, MetaChange } from '../../flow/exchange.js';
import { CapturedBody } from '../../flow/body.js';
import { fromState, toState, type ExchangeState } from '../../flow/state.js';
import type { ReplayPage, ReplayPageQuery } from '../../pipeline/replaySource.js';
import type { Retention } from './sessionDb.js';
import type { ImportStepArgs } from './workerImports.js';

export interface StoredCopy {
  state: ExchangeState;
  request: Uint8Array;
  response: Uint8Array | null;
}

export function storedCopyOf(ex: Exchange): StoredCopy {
  return { state: toState(ex, { bodies: false }), request: ex.request.body.bytes(), response: ex.response?.body.bytes() ?? null };
}

export function exchangeOfCopy(copy: StoredCopy): Exchange {
  const ex = fromState(copy.state);
  const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  ex.request.body = CapturedBody.restored(bytes(copy.request), ex.request.body.size);
  if (ex.response && copy.response) ex.response.body = CapturedBody.restored(bytes(copy.response), ex.response.body.size);
  return ex;
}

export interface SessionWorkerInit {
  path: string;
  retention: Retention;
  /** Retention for the in-memory store used when the file cannot be opened. */
  memoryRetention: Retention;
  newSession: boolean;
  /** Smaller steps for a row-by-row count than sessionCount.ts's, so that a test can see them. */
  countSteps?: { stepRows: number; commonAt: number };
}

export interface StoreStatus {
  /** Why exchanges are not (all) on disk; null when all is well. */
  problem: string | null;
  /** Exchanges evicted by retention since the start, and the bound that did it. */
  evicted: { exchanges: number; bytes: number; bound: string } | null;
  /** Stored bodies not yet in body search's index (searched by reading them meanwhile). */
  unindexed: number;
}

export interface SessionQueries {
  page: { args: ExchangeQuery; result: QueryPage };
  count: { args: CountQuery; result: QueryCount };
  detail: { args: { id: string }; result: ExchangeDetail | null };
  har: { args: Pick<ExchangeQuery, 'session' | 'filter'>; result: ReturnType<Commands['exportHar']> };
  sessions: { args: undefined; result: SessionInfo[] };
  /** Messages a collector received for `bucket`, committed to that bucket's session before the answer; `added`: the ids not stored before. */
  collect: { args: { bucket: string; exchanges: StoredCopy[] }; result: { added: string[]; session: number } };
  newSession: { args: { name?: string }; result: SessionInfo };
  rename: { args: { id: number; name: string }; result: { ok: boolean; error?: string } };
  delete: { args: { id: number }; result: { ok: boolean; error?: string } };
  deleteExchanges: { args: { ids: string[] }; result: { deleted: number } };
  clear: { args: undefined; result: null };
  suggest: { args: { field: 'host' | 'method' | 'status' | 'type'; prefix?: string }; result: string[] };
  import: { args: ImportStepArgs; result: ImportHarStep };
  replay: { args: ReplayPageQuery; result: ReplayPage<StoredCopy> };
  /** New retention bounds for the file's store, applied at once. */
  retention: { args: Retention; result: null };
}
export type SessionQueryName = keyof SessionQueries;

export type ToSessionWorker =
  /** Exchange k of `exchanges` is number first + k; meta changes apply after them. */
  | { type: 'write'; first: number; exchanges: StoredCopy[]; meta: MetaChange[] }
  | { type: 'query'; id: number; name: SessionQueryName; args: unknown }
  | { type: 'stop' };

export type FromSessionWorker =
  | { type: 'ready'; status: StoreStatus; log: string[] }
  /** Exchanges first … first+count-1 are committed (error: they are not, and why). */
  | { type: 'written'; first: number; count: number; error: string | null; status: StoreStatus }
  | { type: 'answer'; id: number; value?: unknown; error?: string }
  | { type: 'sessions'; sessions: SessionInfo[] }
  | { type: 'log'; line: string }
  /** The status changed between writes (background indexing went on). */
  | { type: 'status'; status: StoreStatus }
  | { type: 'stopped' };
