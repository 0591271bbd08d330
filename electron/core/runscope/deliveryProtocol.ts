// Messages between the proxy's thread and the delivery worker, which owns the
// outbox (SQLite) and the HTTP client to the collector so that neither takes
// time from the user's traffic. Everything here survives structured clone.
import type { DeliveryRecord, DeliveryState, DeliverySummary } from '../api.js';
import type { CaptureLimits } from '../settings/captureLimits.js';
import type { RunscopeSettings } from '../settings/schema.js';
import type { EnqueueResult } from './outbox.js';

export interface CopiedBody {
  size: number;
  truncated: boolean;
  /** Present only when log_body was on when the exchange ended. */
  bytes?: Uint8Array;
}

/** An ended exchange, reduced to what its Runscope message needs. */
export interface ExchangeCopy {
  id: string;
  startedAt: number;
  endedAt: number | null;
  method: string;
  url: string;
  /** name, value, name, value … (Node's rawHeaders layout) */
  requestHeaders: readonly string[];
  responseHeaders: readonly string[];
  status: number | null;
  reason: string;
  logBody: boolean;
  requestBody: CopiedBody;
  responseBody: CopiedBody;
}

export interface WorkerInit {
  outboxPath: string;
  limits: Pick<CaptureLimits, 'outboxMaxMessages' | 'outboxMaxBytes'>;
  settings: RunscopeSettings;
}

export interface DeliveryStatus {
  depth: number;
  lastError: string | null;
  pausedReason: string | null;
  lastWriteError: string | null;
  durabilityProblem: string | null;
}

export interface Queries {
  get: { args: { exchangeId: string }; result: DeliveryRecord | null };
  list: { args: { limit: number; state?: DeliveryState }; result: DeliverySummary[] };
  requeue: { args: { exchangeId: string }; result: DeliverySummary | null };
}
export type QueryName = keyof Queries;

export type ToWorker =
  | { type: 'enqueue'; exchanges: ExchangeCopy[] }
  | { type: 'settings'; settings: RunscopeSettings }
  | { type: 'busy'; busy: boolean }
  | { type: 'query'; id: number; name: QueryName; args: Queries[QueryName]['args'] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; status: DeliveryStatus }
  | {
      type: 'batch';
      queued: Array<{ exchangeId: string; result: EnqueueResult | 'error'; error?: string }>;
      deliveries: DeliverySummary[];
      status: DeliveryStatus;
    }
  | { type: 'answer'; id: number; value?: unknown; error?: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };
