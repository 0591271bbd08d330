// The Rules view: the rules in force, in order, edited as a whole list and
// saved with one saveRules. A refused save leaves the form as it was, with each
// problem under the field it names, and the rules in force unchanged.
import { useEffect, useLayoutEffect, useRef, type FormEvent } from 'react';
import type { RulesView as RulesSource } from '../../../../electron/core/api';
import { core } from '../../core';
import { useRules } from '../../stores/rulesStore';
import { FieldProblems } from './FieldProblems';
import { RuleCard } from './RuleCard';

function Source({ view }: { view: RulesSource | null }) {
  if (!view) return <p className="muted">Loading rules…</p>;
  if (view.source === 'file') {
    return (
      <p className="banner" role="note">
        These rules are from <code>--rules {view.file}</code> for this run; saving here makes these the saved rules.
      </p>
    );
  }
  return <p className="muted">Saved rules (rules.json in the data dir). Rules run in order; the first mock that matches ends the matching.</p>;
}

export function RulesView() {
  const view = useRules((s) => s.view);
  const drafts = useRules((s) => s.drafts);
  const problems = useRules((s) => s.problems);
  const saving = useRules((s) => s.saving);
  const notice = useRules((s) => s.notice);
  const dirty = useRules((s) => s.dirty);
  const form = useRef<HTMLFormElement>(null);
  /**
   * Where the focus goes after the list changes shape (element ids, the first
   * that is there and enabled): a moved rule's button, which the re-ordering
   * took out of the DOM; the next rule after a delete; a new rule's name.
   */
  const refocus = useRef<string[] | null>(null);

  useEffect(() => {
    // Unsaved edits survive switching views; only a clean form is refreshed from the core.
    if (useRules.getState().dirty) return;
    void core()
      .invoke('getRules')
      .then((v) => !useRules.getState().dirty && useRules.getState().load(v, true));
  }, []);

  useLayoutEffect(() => {
    const ids = refocus.current;
    refocus.current = null;
    const usable = (el: HTMLElement | null) => el && !(el as HTMLButtonElement).disabled;
    ids?.map((id) => document.getElementById(id)).find(usable)?.focus();
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await useRules.getState().save((rules) => core().invoke('saveRules', { rules }));
    // The first field at fault takes the focus, so a keyboard user lands on it.
    if (!ok) requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const listProblems = problems.filter((p) => p.key === null).map((p) => `${p.field}: ${p.message}`);
  const { add, move, remove, update } = useRules.getState();
  return (
    <section className="rules" aria-label="Rules editor">
      <Source view={view} />
      <form ref={form} onSubmit={(e) => void submit(e)} noValidate aria-label="Rules">
        <FieldProblems id="rules-problems" messages={listProblems} />
        {drafts.length === 0 && view && <p>No rules: every exchange is proxied, recorded and forwarded as it is.</p>}
        {drafts.map((d, i) => (
          <RuleCard
            key={d.key}
            draft={d}
            position={i + 1}
            last={i === drafts.length - 1}
            problems={problems.filter((p) => p.key === d.key)}
            onChange={(change) => update(d.key, change)}
            onMove={(by) => {
              refocus.current = by < 0 ? [`${d.key}-up`, `${d.key}-down`] : [`${d.key}-down`, `${d.key}-up`];
              move(d.key, by);
            }}
            onDelete={() => {
              const next = drafts[i + 1] ?? drafts[i - 1];
              refocus.current = next ? [`${next.key}-name`] : ['rules-add'];
              remove(d.key);
            }}
          />
        ))}
        <div className="actions">
          <button
            type="button"
            id="rules-add"
            onClick={() => {
              add();
              const added = useRules.getState().drafts.at(-1);
              if (added) refocus.current = [`${added.key}-name`];
            }}
          >
            Add rule
          </button>
          <button type="submit" disabled={saving || !view}>
            Save
          </button>
          {notice && (
            <span role="status" className={notice === 'Saved' ? 'good' : 'bad'}>
              {notice}
            </span>
          )}
          {dirty && notice === null && <span className="muted">Unsaved changes</span>}
        </div>
      </form>
    </section>
  );
}
