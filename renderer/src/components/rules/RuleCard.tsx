// One rule of the list: enabled, name, match (with its live count), action;
// moved and deleted from here. Each problem of the last save is shown under
// the control it names.
import { useMemo } from 'react';
import type { RuleDraft } from '../../rules/ruleDraft';
import { slotOf } from '../../rules/ruleDraft';
import type { ShownProblem } from '../../stores/rulesStore';
import { ActionFields } from './ActionFields';
import { FieldProblems, invalidProps } from './FieldProblems';
import { MatchField } from './MatchField';

const NONE: readonly string[] = [];

interface Props {
  draft: RuleDraft;
  position: number;
  last: boolean;
  problems: readonly ShownProblem[];
  onChange: (change: (d: RuleDraft) => RuleDraft) => void;
  onMove: (by: -1 | 1) => void;
  onDelete: () => void;
}

export function RuleCard({ draft, position, last, problems, onChange, onMove, onDelete }: Props) {
  const { key } = draft;
  const slots = useMemo(() => {
    const out: Record<string, string[]> = {};
    for (const p of problems) {
      const slot = slotOf(p.field, draft.action);
      // Shown at the top of the rule: a field without a control of its own says which it is.
      (out[slot] ??= []).push(slot === 'rule' && p.field !== 'rule' ? `${p.field}: ${p.message}` : p.message);
    }
    return out;
  }, [problems, draft.action]);
  const title = `Rule ${position}`;
  const named = draft.name.trim() ? `${title}: ${draft.name.trim()}` : title;
  const nameMessages = slots.name ?? NONE;

  return (
    <fieldset className={`rule${draft.enabled ? '' : ' disabled'}`} aria-labelledby={`${key}-legend`}>
      <legend id={`${key}-legend`}>{named}</legend>
      <FieldProblems id={`${key}-problems`} messages={slots.rule ?? NONE} />
      <div className="rule-head">
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => onChange((d) => ({ ...d, enabled: e.target.checked }))} {...invalidProps(`${key}-enabled-problems`, slots.enabled ?? NONE)} />
          Enabled
        </label>
        <FieldProblems id={`${key}-enabled-problems`} messages={slots.enabled ?? NONE} />
        <div className="field name-field">
          <label htmlFor={`${key}-name`}>Name</label>
          <input id={`${key}-name`} value={draft.name} maxLength={200} onChange={(e) => onChange((d) => ({ ...d, name: e.target.value }))} {...invalidProps(`${key}-name-problems`, nameMessages)} />
          <FieldProblems id={`${key}-name-problems`} messages={nameMessages} />
        </div>
        <div className="rule-buttons">
          <button type="button" id={`${key}-up`} disabled={position === 1} aria-label={`Move rule ${position} up`} onClick={() => onMove(-1)}>
            Up
          </button>
          <button type="button" id={`${key}-down`} disabled={last} aria-label={`Move rule ${position} down`} onClick={() => onMove(1)}>
            Down
          </button>
          <button type="button" className="danger" aria-label={`Delete rule ${position}`} onClick={onDelete}>
            Delete
          </button>
        </div>
      </div>
      <MatchField ruleKey={key} match={draft.match} problems={slots.match ?? NONE} onChange={(match) => onChange((d) => ({ ...d, match }))} />
      <ActionFields ruleKey={key} action={draft.action} slots={slots} onChange={(action) => onChange((d) => ({ ...d, action }))} />
    </fieldset>
  );
}
