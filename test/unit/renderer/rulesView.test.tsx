// @vitest-environment jsdom
// The Rules view against a fake core: the list and where it comes from, each
// problem of a refused save under the control it names with nothing lost, the
// returned rules shown after an accepted one, and the live match count.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleProblem, RulesView as RulesSource, SaveRulesResult } from '../../../electron/core/api.js';
import { RulesView } from '../../../renderer/src/components/rules/RulesView.js';
import { connect } from '../../../renderer/src/core.js';
import { useRuleCounts } from '../../../renderer/src/stores/ruleCounts.js';
import { useRules } from '../../../renderer/src/stores/rulesStore.js';
import type { Transport } from '../../../renderer/src/transport.js';

let inForce: RulesSource;
let saved: unknown[][];
let counted: string[];
let refuse: RuleProblem[] | null;

const fakeCore: Transport = {
  kind: 'electron',
  invoke: (async (command: string, arg?: unknown) => {
    if (command === 'getRules') return inForce;
    if (command === 'countExchanges') {
      const { filter } = arg as { filter: string };
      counted.push(filter);
      return { ok: true, matched: filter.length, total: 40 };
    }
    if (command === 'saveRules') {
      const { rules } = arg as { rules: Array<Record<string, unknown>> };
      saved.push(rules);
      if (refuse) return { ok: false, problems: refuse } satisfies SaveRulesResult;
      // As the core does: defaults filled in.
      inForce = { source: 'saved', file: null, rules: rules.map((r) => ({ enabled: true, ...r, action: { status: 200, headers: {}, ...(r.action as object) } })) as never };
      return { ok: true, view: inForce } satisfies SaveRulesResult;
    }
    throw new Error(`unexpected ${command}`);
  }) as Transport['invoke'],
  onEvents: () => () => undefined,
  onConnection: () => () => undefined,
};

const mockRule = { name: 'fake 500', enabled: true, match: 'path^=/api', action: { type: 'mock' as const, status: 500, headers: {}, body: 'boom' } };

beforeEach(async () => {
  inForce = { source: 'saved', file: null, rules: [mockRule] };
  saved = [];
  counted = [];
  refuse = null;
  useRules.setState({ view: null, drafts: [], problems: [], dirty: false, saving: false, notice: null });
  useRuleCounts.setState({ counts: {} });
  await connect(fakeCore);
});
afterEach(cleanup);

const rule = (n: number) => screen.getByRole('group', { name: new RegExp(`^Rule ${n}\\b`) });
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
/** The text of what describes a control (its problems, hints, count). */
const description = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');

describe('rules view', () => {
  it('lists the rules in force, and says when they come from a --rules file', async () => {
    inForce = { source: 'file', file: '/tmp/r.json', rules: [mockRule] };
    render(<RulesView />);
    const first = await screen.findByRole('group', { name: 'Rule 1: fake 500' });
    expect((within(first).getByLabelText('Match') as HTMLInputElement).value).toBe('path^=/api');
    expect((within(first).getByLabelText('Action') as HTMLSelectElement).value).toBe('mock');
    expect((within(first).getByLabelText('Status') as HTMLInputElement).value).toBe('500');
    expect(within(first).getByRole('checkbox', { name: 'Enabled' })).toHaveProperty('checked', true);
    expect(screen.getByRole('note').textContent).toBe('These rules are from --rules /tmp/r.json for this run; saving here makes these the saved rules.');
  });

  it('shows each refused field under its control, keeps the form, and leaves the rules in force', async () => {
    render(<RulesView />);
    await screen.findByRole('group', { name: /^Rule 1/ });
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const second = rule(2);
    type(within(second).getByLabelText('Name'), 'teapot');
    type(within(second).getByLabelText('Status'), '99');
    type(within(second).getByLabelText('Match'), 'status>=500');
    refuse = [
      { rule: 2, name: 'teapot', field: 'action.status', message: 'Too small: expected number to be >=100' },
      { rule: 2, name: 'teapot', field: 'match', message: 'mock decides when the request headers arrive (it uses status)' },
      { rule: 0, name: null, field: 'rules', message: 'too many' },
    ];
    save();
    const status = within(rule(2)).getByLabelText('Status');
    await waitFor(() => expect(status.getAttribute('aria-invalid')).toBe('true'));
    expect(description(status)).toBe('Too small: expected number to be >=100');
    expect(description(within(rule(2)).getByLabelText('Match'))).toContain('mock decides when the request headers arrive (it uses status)');
    expect(within(rule(1)).getByLabelText('Status').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText('rules: too many')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Not saved: the rules in force are unchanged');
    // Nothing lost from the form; the rules in force are still the old ones.
    expect((status as HTMLInputElement).value).toBe('99');
    expect((within(rule(2)).getByLabelText('Name') as HTMLInputElement).value).toBe('teapot');
    expect(useRules.getState().view?.rules).toEqual([mockRule]);
    expect(saved[0]).toEqual([mockRule, { name: 'teapot', enabled: true, match: 'status>=500', action: { type: 'mock', status: 99, headers: {} } }]);

    // A problem follows its rule when the list is reordered.
    fireEvent.click(within(rule(2)).getByRole('button', { name: 'Move rule 2 up' }));
    expect(description(within(rule(1)).getByLabelText('Status'))).toBe('Too small: expected number to be >=100');
    expect(within(rule(2)).getByLabelText('Status').getAttribute('aria-invalid')).toBeNull();
  });

  it('refuses locally what cannot be converted, without asking the core', async () => {
    render(<RulesView />);
    const first = await screen.findByRole('group', { name: /^Rule 1/ });
    type(within(first).getByLabelText('Headers (JSON object)'), '{"a":');
    save();
    await waitFor(() => expect(within(first).getByLabelText('Headers (JSON object)').getAttribute('aria-invalid')).toBe('true'));
    expect(description(within(first).getByLabelText('Headers (JSON object)'))).toMatch(/^must be a JSON object/);
    expect(saved).toEqual([]);
  });

  it('after a save shows "Saved" and the rules as the core returned them', async () => {
    inForce = { source: 'saved', file: null, rules: [] };
    render(<RulesView />);
    await screen.findByText(/No rules/);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    type(within(rule(1)).getByLabelText('Status'), '');
    save();
    await screen.findByText('Saved');
    expect((within(rule(1)).getByLabelText('Status') as HTMLInputElement).value).toBe('200');
    expect(useRules.getState().view).toEqual(inForce);
    expect(useRules.getState().dirty).toBe(false);
  });

  it('edits an action type it does not know as JSON', async () => {
    inForce = { source: 'saved', file: null, rules: [{ name: 'rw', enabled: true, match: '', action: { type: 'from-a-newer-core', find: 'a' } as never }] };
    render(<RulesView />);
    const first = await screen.findByRole('group', { name: /^Rule 1/ });
    const json = within(first).getByLabelText('Action fields (JSON)') as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toEqual({ find: 'a' });
    type(json, '{"find":"b"}');
    save();
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual([{ name: 'rw', enabled: true, match: '', action: { type: 'from-a-newer-core', find: 'b' } }]);
  });

  it('edits a rewrite in its own fields', async () => {
    inForce = { source: 'saved', file: null, rules: [{ name: 'staging', enabled: true, match: 'host=api.test', action: { type: 'rewrite', url: 'https://staging.test' } as never }] };
    render(<RulesView />);
    const first = await screen.findByRole('group', { name: /^Rule 1/ });
    expect((within(first).getByLabelText('Send to URL') as HTMLInputElement).value).toBe('https://staging.test');
    type(within(first).getByLabelText('Remove response headers'), 'server, x-powered-by');
    type(within(first).getByLabelText('Set request headers (JSON object)'), '{"x-env": "staging"}');
    save();
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual([
      { name: 'staging', enabled: true, match: 'host=api.test', action: { type: 'rewrite', url: 'https://staging.test', setRequestHeaders: { 'x-env': 'staging' }, removeResponseHeaders: ['server', 'x-powered-by'] } },
    ]);
  });

  it('counts each match live: "all" when empty, the error and its column when it does not parse', async () => {
    render(<RulesView />);
    const first = await screen.findByRole('group', { name: /^Rule 1/ });
    const count = () => within(first).queryByTestId('rule-count')?.textContent;
    await waitFor(() => expect(count()).toBe('10 of 40'));
    const match = within(first).getByLabelText('Match');
    type(match, 'method=GET and');
    expect(count()).toBeUndefined();
    expect(within(first).getByRole('alert').textContent).toBe('filter error at column 15: missing filter after `and`');
    expect(match.getAttribute('aria-invalid')).toBe('true');
    type(match, '');
    expect(count()).toBe('all');
    type(match, 'host=a');
    await waitFor(() => expect(count()).toBe('6 of 40'));
    expect(counted).toEqual(['path^=/api', 'host=a']);
    expect(description(match)).toBe('6 of 40');
  });
});
