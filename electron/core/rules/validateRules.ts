// Checks a list of rules as a whole: each rule's fields (ruleSchema.ts), its
// match as a filter, and that the match asks only what is known when the action
// decides. Every problem names the rule (1-based, and by name) and the field.
import { formatFilterError, parseFilter, type FilterNode } from '../filter/index.js';
import { RULES_VERSION, ruleSchema, rulesFileSchema, type ActionType, type Rule } from './ruleSchema.js';

export interface RuleProblem {
  /** 1-based position in the list; 0 for the file itself. */
  rule: number;
  name: string | null;
  /** Dotted path of the field, e.g. `action.status`, `match`. */
  field: string;
  message: string;
}

export type RulesResult = { ok: true; rules: Rule[] } | { ok: false; problems: RuleProblem[] };

export function describeProblem(p: RuleProblem): string {
  const which = p.rule === 0 ? 'rules file' : `rule ${p.rule}${p.name ? ` (${JSON.stringify(p.name)})` : ''}`;
  return `${which}: ${p.field}: ${p.message}`;
}

/**
 * When an action decides: `connect` before the tunnel is opened (only the
 * CONNECT's host and port are known), `request` once the request headers are
 * in (nothing of the body or the response), `end` on the finished exchange.
 */
export type Phase = 'connect' | 'request' | 'end';

export const PHASE_OF: Record<ActionType, Phase> = {
  passthrough: 'connect',
  'no-record': 'request',
  mock: 'request',
  delay: 'request',
  // For its response phase too: whether to pause is known from the request, so
  // the proxy knows before the upstream answers that it must hold the response.
  breakpoint: 'request',
  rewrite: 'request',
  'no-forward': 'end',
  bucket: 'end',
  redact: 'end',
  alert: 'end',
};

const PHASE_WORDS: Record<Exclude<Phase, 'end'>, string> = {
  connect: 'decides before the connection is decrypted: its match can use only host and port',
  request: 'decides when the request headers arrive: its match can use method, url, host, port, path, query, protocol, request headers and plain words',
};

/** The first term of the tree that the phase cannot know, as written in the language; null when all are known. */
export function unknownTerm(node: FilterNode, phase: Phase): string | null {
  if (phase === 'end') return null;
  switch (node.type) {
    case 'all':
      return null;
    case 'and':
    case 'or':
      for (const item of node.items) {
        const t = unknownTerm(item, phase);
        if (t) return t;
      }
      return null;
    case 'not':
      return unknownTerm(node.item, phase);
    case 'search':
      return phase === 'connect' ? `"${node.value}"` : null;
    case 'text':
      if (node.field === 'host') return null;
      if (phase === 'request' && ['method', 'url', 'path', 'query', 'protocol'].includes(node.field)) return null;
      return node.field;
    case 'number':
      return node.field === 'port' ? null : node.field;
    case 'header':
      if (phase === 'request' && node.side !== 'response') return null;
      return node.side === 'response' ? 'resheader' : node.side === 'request' ? 'reqheader' : 'header';
    case 'flag':
      return `is:${node.flag}`;
  }
}

const NO_PROBLEMS: RuleProblem[] = [];

/** One rule: its fields, then its match. */
export function validateRule(input: unknown, position: number): { ok: true; rule: Rule } | { ok: false; problems: RuleProblem[] } {
  const name = typeof (input as { name?: unknown })?.name === 'string' ? ((input as { name: string }).name.trim() || null) : null;
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ rule: position, name, field: i.path.length ? i.path.join('.') : 'rule', message: i.message })),
    };
  }
  const rule = parsed.data;
  const filter = parseFilter(rule.match);
  if (!filter.ok) return { ok: false, problems: [{ rule: position, name, field: 'match', message: formatFilterError(filter.error) }] };
  const phase = PHASE_OF[rule.action.type];
  const unknown = unknownTerm(filter.filter, phase);
  if (unknown !== null && phase !== 'end') {
    return { ok: false, problems: [{ rule: position, name, field: 'match', message: `${rule.action.type} ${PHASE_WORDS[phase]} (it uses ${unknown})` }] };
  }
  return { ok: true, rule };
}

/** A whole list: every problem of every rule, or the rules with defaults filled in. */
export function validateRules(inputs: readonly unknown[]): RulesResult {
  const rules: Rule[] = [];
  let problems = NO_PROBLEMS;
  inputs.forEach((input, i) => {
    const r = validateRule(input, i + 1);
    if (r.ok) rules.push(r.rule);
    else problems = [...problems, ...r.problems];
  });
  return problems.length ? { ok: false, problems } : { ok: true, rules };
}

/** A rules file's text (`{"version":1,"rules":[…]}`). */
export function parseRulesFile(text: string): RulesResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ rule: 0, name: null, field: 'file', message: `not JSON (${(err as Error).message})` }] };
  }
  const file = rulesFileSchema.safeParse(json);
  if (!file.success) {
    const i = file.error.issues[0]!;
    return { ok: false, problems: [{ rule: 0, name: null, field: i.path.join('.') || 'file', message: i.message }] };
  }
  return validateRules(file.data.rules);
}

export function rulesFileText(rules: readonly Rule[]): string {
  return `${JSON.stringify({ version: RULES_VERSION, rules }, null, 2)}\n`;
}
