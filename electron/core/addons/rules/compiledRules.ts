// Rules ready to run: each enabled rule's match compiled once, grouped by the
// phase its action decides in (validateRules.ts), list order kept.
import { compileFilter, parseFilter, type FilterPredicate, type FilterTarget } from '../../filter/index.js';
import type { Rule, RuleAction } from '../../rules/ruleSchema.js';
import { PHASE_OF, type Phase } from '../../rules/validateRules.js';

export interface CompiledRule<A extends RuleAction = RuleAction> {
  /** Position in the whole list: a mock or passthrough ends the matching of the rules after it. */
  index: number;
  name: string;
  action: A;
  matches: FilterPredicate;
}

export type Compiled = Record<Phase, CompiledRule[]>;

/** Rules come validated: a match that does not parse here is a bug, not input. */
export function compileRules(rules: readonly Rule[]): Compiled {
  const out: Compiled = { connect: [], request: [], end: [] };
  rules.forEach((rule, index) => {
    if (!rule.enabled) return;
    const parsed = parseFilter(rule.match);
    if (!parsed.ok) throw new Error(`rule ${index + 1} was not validated: ${parsed.error.message}`);
    out[PHASE_OF[rule.action.type]].push({ index, name: rule.name, action: rule.action, matches: compileFilter(parsed.filter) });
  });
  return out;
}

/** What a CONNECT tells of its exchange: host and port, nothing else yet. */
export function connectTarget(host: string, port: number): FilterTarget {
  const h = host.toLowerCase();
  return {
    method: 'CONNECT',
    url: `https://${h.includes(':') ? `[${h}]` : h}:${port}/`,
    host: h,
    port,
    path: '/',
    query: '',
    protocol: 'https',
    status: null,
    contentType: null,
    requestHeaders: [],
    responseHeaders: [],
    requestBody: null,
    responseBody: null,
    requestSize: 0,
    responseSize: null,
    durationMs: null,
    delivery: null,
    error: null,
    pending: true,
    origin: 'proxy',
    id: '',
    pinned: false,
    fromBrowser: false,
  };
}
