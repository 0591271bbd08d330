// The Rules view's state: the rules in force as the core last said, the list
// being edited, and the problems of the last save, each tied to a rule by its
// key (so it follows the rule when the list is reordered) and to the field the
// core named. A refused save changes nothing but the problems.
import { create } from 'zustand';
import type { RulesView, SaveRulesResult } from '../../../electron/core/api';
import { fromDraft, newDraft, toDraft, type RuleDraft } from '../rules/ruleDraft';

export interface ShownProblem {
  /** The rule's draft key; null for the list as a whole. */
  key: string | null;
  /** Dotted field, as the core names it (`action.status`, `match`). */
  field: string;
  message: string;
}

export interface RulesStore {
  view: RulesView | null;
  drafts: RuleDraft[];
  problems: ShownProblem[];
  /** The drafts differ from the rules in force. */
  dirty: boolean;
  saving: boolean;
  notice: string | null;
  /** The core's rules; `keep` keeps the keys of the drafts at the same positions. */
  load(view: RulesView, keep?: boolean): void;
  add(): void;
  remove(key: string): void;
  move(key: string, by: -1 | 1): void;
  update(key: string, change: (d: RuleDraft) => RuleDraft): void;
  save(send: (rules: unknown[]) => Promise<SaveRulesResult>): Promise<boolean>;
}

let nextKey = 1;
const freshKey = () => `rule-${nextKey++}`;

export const useRules = create<RulesStore>()((set, get) => ({
  view: null,
  drafts: [],
  problems: [],
  dirty: false,
  saving: false,
  notice: null,
  load(view, keep = false) {
    const old = get().drafts;
    const drafts = view.rules.map((r, i) => toDraft(r, (keep ? old[i]?.key : undefined) ?? freshKey()));
    set({ view, drafts, dirty: false, problems: [] });
  },
  add() {
    set((s) => ({ drafts: [...s.drafts, newDraft(freshKey(), s.drafts.length + 1)], dirty: true, notice: null }));
  },
  remove(key) {
    set((s) => ({ drafts: s.drafts.filter((d) => d.key !== key), problems: s.problems.filter((p) => p.key !== key), dirty: true, notice: null }));
  },
  move(key, by) {
    const drafts = [...get().drafts];
    const at = drafts.findIndex((d) => d.key === key);
    const to = at + by;
    if (at < 0 || to < 0 || to >= drafts.length) return;
    [drafts[at], drafts[to]] = [drafts[to]!, drafts[at]!];
    set({ drafts, dirty: true, notice: null });
  },
  update(key, change) {
    set((s) => ({ drafts: s.drafts.map((d) => (d.key === key ? change(d) : d)), dirty: true, notice: null }));
  },
  async save(send) {
    const sent = get().drafts;
    const built = sent.map((d) => ({ key: d.key, out: fromDraft(d) }));
    const local = built.flatMap(({ key, out }) => (out.ok ? [] : out.problems.map((p) => ({ key, ...p }))));
    if (local.length > 0) {
      set({ problems: local, notice: 'Not saved: fix the fields marked' });
      return false;
    }
    set({ saving: true, notice: null });
    let result: SaveRulesResult;
    try {
      result = await send(built.map(({ out }) => (out as { rule: unknown }).rule));
    } catch (err) {
      set({ saving: false, problems: [{ key: null, field: 'rules', message: (err as Error).message }], notice: 'Not saved' });
      return false;
    }
    if (!result.ok) {
      // Positions are 1-based in the list as sent; 0 is the list itself.
      const problems = result.problems.map((p) => ({ key: p.rule === 0 ? null : (sent[p.rule - 1]?.key ?? null), field: p.field, message: p.message }));
      set({ saving: false, problems, notice: 'Not saved: the rules in force are unchanged' });
      return false;
    }
    // Edits made while the save was in flight are kept: the saved rules are then what is in force, not what is shown.
    if (get().drafts === sent) get().load(result.view, true);
    else set({ view: result.view, problems: [] });
    set({ saving: false, notice: 'Saved' });
    return true;
  },
}));
