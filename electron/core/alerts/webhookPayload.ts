// What an alert webhook POSTs: the alert and the exchange's summary, its URL
// redacted as what is forwarded (a redact rule's query names, for one). No
// headers or bodies: an alert says what happened, the app has the rest.
import type { RuleAlert } from '../api.js';
import type { Exchange } from '../flow/exchange.js';
import { toState, type ExchangeState } from '../flow/state.js';
import { summaryOf } from '../flow/views.js';

export function webhookPayload(alert: RuleAlert, ex: Exchange, redact: (s: ExchangeState) => ExchangeState) {
  const url = redact(toState(ex, { bodies: false })).request.url;
  return { event: 'alert', rule: alert.rule, alert: { ...alert, url }, exchange: { ...summaryOf(ex), url } };
}
