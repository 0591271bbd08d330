// What the outbox stores for a message: the exchange's forward copy as JSON,
// rather than the Runscope message built from it. Building a message (headers
// into an object, bodies decoded, the whole stringified) is the largest part of
// the worker's work per exchange, and exchanges are committed while user traffic
// keeps the proxy busy; delivery waits for quiet. So the worker commits the copy
// and builds the message when it sends or shows it: the same function of the
// same copy, so what the UI shows is what was sent.
import { fromState } from '../flow/state.js';
import type { ForwardCopy } from './deliveryProtocol.js';
import { toRunscopeMessage } from './message.js';

/** The bucket is not part of it: the outbox keeps that in its own column. */
export function storedFormOf(copy: ForwardCopy): string {
  return JSON.stringify({ logBody: copy.logBody, exchange: copy.exchange });
}

/** The Runscope message JSON for what the outbox holds. */
export function messageTextOf(stored: string): string {
  const copy = JSON.parse(stored) as ForwardCopy;
  return JSON.stringify(toRunscopeMessage(fromState(copy.exchange), copy.logBody));
}
