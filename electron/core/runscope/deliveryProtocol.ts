// Messages between the proxy's thread and the delivery worker, which owns the
// outbox (SQLite) and the HTTP client to the collector so that neither takes
// time from the user's traffic. Everything here survives structured clone.
import type { DeliveryRecord, DeliveryState, DeliverySummary } from '../api.js';
import type { CaptureLimits } from '../settings/captureLimits.js';
import type { RunscopeSettings } from '../settings/schema.js';
import type { ExchangeState } from '../flow/state.js';

/**
 * What crosses to the worker for one ended exchange: its serialised state, after
 * redaction, with bodies only when log_body was on when it ended.
 */
export interface ForwardCopy {
  logBody: boolean;
  exchange: ExchangeState;
  /** The bucket its message goes to (a rule's, a replay's); absent: the settings' bucket as it is at each attempt. */
  bucket?: string;
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
  /** Exchange k of the batch is number `first + k`: acknowledgements name exchanges by number. */
  | { type: 'enqueue'; first: number; exchanges: ForwardCopy[] }
  | { type: 'settings'; settings: RunscopeSettings }
  | { type: 'busy'; busy: boolean }
  | { type: 'query'; id: number; name: QueryName; args: Queries[QueryName]['args'] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; status: DeliveryStatus }
  | {
      type: 'batch';
      /** Acknowledged exchanges (their messages are committed), as ranges: from, to (exclusive), from, to … */
      queued: number[];
      /** Exchanges the outbox's bound refused. */
      full: number[];
      /** Exchanges whose message could not be built or written: number, error. */
      failed: Array<[number, string]>;
      deliveries: DeliverySummary[];
      status: DeliveryStatus;
    }
  | { type: 'answer'; id: number; value?: unknown; error?: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };
