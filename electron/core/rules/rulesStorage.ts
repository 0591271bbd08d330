// The saved rules: DATA_DIR/rules.json (0600), the same format as a --rules
// file. A file that no longer validates is kept aside, not lost, and the app
// starts with no rules and says so.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/writeFileAtomic.js';
import type { Rule } from './ruleSchema.js';
import { describeProblem, parseRulesFile, rulesFileText } from './validateRules.js';

export class RulesStorage {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'rules.json');
  }

  async load(): Promise<{ rules: Rule[]; warning: string | null }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rules: [], warning: null };
      return { rules: [], warning: `cannot read ${this.path} (${(err as Error).message}): no rules are active` };
    }
    const parsed = parseRulesFile(text);
    if (parsed.ok) return { rules: parsed.rules, warning: null };
    const aside = `${this.path}.invalid-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.path, aside);
    return { rules: [], warning: `saved rules are invalid (${describeProblem(parsed.problems[0]!)}): moved aside to ${aside}; no rules are active` };
  }

  save(rules: readonly Rule[]): Promise<void> {
    return writeFileAtomic(this.path, rulesFileText(rules), 0o600);
  }
}
