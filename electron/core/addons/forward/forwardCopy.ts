// The copy of an exchange that leaves for the collector, made from the model
// and passed through the redaction steps before anything of it is durable.
import type { Exchange } from '../../flow/exchange.js';
import { toState, type ExchangeState } from '../../flow/state.js';
import { FORWARD_BUCKET_META } from '../../flow/views.js';
import type { ForwardCopy } from '../../runscope/deliveryProtocol.js';

/** Removes secrets from a forward copy (rules add these); returns the state to send. */
export type Redaction = (state: ExchangeState) => ExchangeState;

export function forwardCopy(ex: Exchange, logBody: boolean, redactions: readonly Redaction[]): ForwardCopy {
  // Runscope gets what the client saw; the upstream's side of a rewrite stays on this machine.
  let exchange: ExchangeState = { ...toState(ex, { bodies: logBody }), upstream: null };
  // A websocket goes as its upgrade (message.ts): its frames are not copied.
  if (exchange.websocket) exchange.websocket = { ...exchange.websocket, frames: [] };
  for (const redact of redactions) exchange = redact(exchange);
  // A rule's bucket goes as it was set; the delivery worker checks it when it
  // sends, so a bad one fails that message alone and shows why.
  const bucket = ex.meta[FORWARD_BUCKET_META];
  return typeof bucket === 'string' && bucket !== '' ? { logBody, exchange, bucket } : { logBody, exchange };
}
