// Browsers the tests start (Open browser): kept off the network by a rule that
// answers every request not for the local upstream, and killed with their
// process group when the test is done (they start detached).
import type { Rule } from '../../electron/core/rules/ruleSchema.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';

export const STAY_LOCAL_RULE = { name: 'stay local', match: '-host=localhost -host=127.0.0.1', action: { type: 'mock', status: 204 } } as const;

/** The stay-local rule, as startApp takes rules. */
export function stayLocal(): { rules: Rule[]; file: string } {
  const rules = validateRules([STAY_LOCAL_RULE]);
  if (!rules.ok) throw new Error(JSON.stringify(rules.problems));
  return { rules: rules.rules, file: 'test' };
}

export function killBrowsers(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}
