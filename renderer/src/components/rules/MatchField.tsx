// A rule's match: the filter language, parsed on each keystroke like the
// traffic filter box (an error says its column), and beside it how many
// exchanges of the current session it selects, counted live.
import { useEffect, useMemo } from 'react';
import { formatFilterError, parseFilter } from '../../../../electron/core/filter/index';
import { ruleCounts } from '../../core';
import { useRuleCounts } from '../../stores/ruleCounts';
import { FieldProblems, invalidProps } from './FieldProblems';

const n = (v: number) => v.toLocaleString('en');

export function MatchField({ ruleKey, match, problems, onChange }: { ruleKey: string; match: string; problems: readonly string[]; onChange: (match: string) => void }) {
  const id = `${ruleKey}-match`;
  const empty = match.trim() === '';
  const parsed = useMemo(() => parseFilter(match), [match]);
  const countable = parsed.ok && !empty;
  useEffect(() => {
    if (countable) ruleCounts().watch(ruleKey, match);
    else ruleCounts().unwatch(ruleKey);
  }, [ruleKey, match, countable]);
  useEffect(() => () => ruleCounts().unwatch(ruleKey), [ruleKey]);
  const count = useRuleCounts((s) => s.counts[ruleKey]);

  const current = count?.match === match ? count : undefined;
  const error = !parsed.ok ? formatFilterError(parsed.error) : current && !current.ok ? formatFilterError({ column: current.column, message: current.error }) : null;
  const countText = empty ? 'all' : error ? null : current?.ok ? `${n(current.matched)} of ${n(current.total)}` : 'counting…';
  return (
    <div className="field match-field">
      <label htmlFor={id}>Match</label>
      <div className="match-row">
        <input
          id={id}
          className="mono"
          spellCheck={false}
          autoComplete="off"
          value={match}
          placeholder="host=api.example.com path^=/orders   (empty: every exchange)"
          onChange={(e) => onChange(e.target.value)}
          {...invalidProps(`${id}-problems`, problems, countText !== null && `${id}-count`, error && `${id}-error`)}
          aria-invalid={error !== null || problems.length > 0 || undefined}
        />
        {countText !== null && (
          <span className="rule-count" id={`${id}-count`} data-testid="rule-count" title="Exchanges of the current session this match selects">
            {countText}
          </span>
        )}
      </div>
      {error && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      <FieldProblems id={`${id}-problems`} messages={problems} />
    </div>
  );
}
