// What the MCP server hands a model is redacted like what is forwarded: the
// credential headers, and the data dir's redact rules (read from rules.json,
// never changed here). `--no-redact` turns it off for an agent the user trusts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExchangeDetail } from '../../core/api.js';
import { compileRules, type CompiledRule } from '../../core/addons/rules/compiledRules.js';
import { exchangeTarget } from '../../core/filter/exchangeTarget.js';
import { fromState } from '../../core/flow/state.js';
import { credentialsSpec, redactQuery, redactState, type RedactionSpec } from '../../core/rules/redact.js';
import { parseRulesFile } from '../../core/rules/validateRules.js';
import { stateOfDetail } from '../harFile.js';

export interface AgentRedaction {
  /** A summary's URL: every redact rule's query names apply (the rest of the exchange is not at hand). */
  url(url: string): string;
  detail(d: ExchangeDetail): ExchangeDetail;
  /** Why the data dir's rules are not used, when they are not. */
  warning: string | null;
}

const NONE: AgentRedaction = { url: (u) => u, detail: (d) => d, warning: null };

function redactRules(dataDir: string): { rules: CompiledRule[]; warning: string | null } {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'rules.json'), 'utf8');
  } catch {
    return { rules: [], warning: null };
  }
  const parsed = parseRulesFile(text);
  if (!parsed.ok) return { rules: [], warning: 'rules.json is invalid: only credentials are redacted' };
  return { rules: compileRules(parsed.rules).end.filter((r) => r.action.type === 'redact'), warning: null };
}

export function agentRedaction(dataDir: string, { off }: { off: boolean }): AgentRedaction {
  if (off) return NONE;
  const { rules, warning } = redactRules(dataDir);
  const query = new Set(rules.flatMap((r) => (r.action.type === 'redact' ? r.action.query : [])));
  return {
    warning,
    url: (url) => redactQuery(url, query),
    detail(d) {
      let state = stateOfDetail(d);
      const target = exchangeTarget(fromState(state));
      const specs: RedactionSpec[] = [credentialsSpec, ...rules.filter((r) => r.matches(target)).map((r) => r.action as RedactionSpec)];
      for (const spec of specs) state = redactState(state, spec);
      return {
        ...d,
        url: state.request.url,
        request: { headers: state.request.headers, body: state.request.body },
        response: state.response && { status: state.response.status, reason: state.response.reason, headers: state.response.headers, body: state.response.body },
        // A rewrite's upstream side, redacted like the rest (redactState covers it).
        upstream: state.upstream,
      };
    },
  };
}
