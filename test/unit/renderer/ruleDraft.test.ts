// The Rules view's form model: rule data → form → rule data gives the rule
// back (for every known type, and for types and fields the form does not know),
// what cannot be converted is named by field, and each problem the core names
// lands under a control that exists.
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../electron/core/api.js';
import { emptyAction, fromDraft, slotOf, toDraft, type RuleDraft } from '../../../renderer/src/rules/ruleDraft.js';

const rule = (action: Record<string, unknown>, extra: Partial<Rule> = {}): Rule => ({ name: 'r', enabled: true, match: 'host=a', ...extra, action }) as unknown as Rule;
const back = (r: Rule) => {
  const out = fromDraft(toDraft(r, 'k'));
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.rule;
};
/** The action sent, for a draft that converts. */
const actionOf = (d: RuleDraft) => {
  const out = fromDraft(d);
  return out.ok ? out.rule.action : out.problems;
};
const withAction = (d: RuleDraft, patch: Partial<RuleDraft['action']>): RuleDraft => ({ ...d, action: { ...d.action, ...patch } });

describe('rule form conversion', () => {
  it.each([
    ['mock with headers and body', { type: 'mock', status: 503, headers: { 'content-type': 'application/json', 'x-a': '1' }, body: '{"error":"boom"}' }],
    ['mock from a file', { type: 'mock', status: 200, headers: {}, file: '/tmp/answer.json' }],
    ['mock, defaults only', { type: 'mock', status: 200, headers: {} }],
    ['delay', { type: 'delay', ms: 1500 }],
    ['delay with a throttle', { type: 'delay', ms: 10, kbps: 64 }],
    ['breakpoint', { type: 'breakpoint', on: 'both' }],
    ['breakpoint (request)', { type: 'breakpoint', on: 'request' }],
    ['bucket', { type: 'bucket', bucket: 'abc_123' }],
    ['redact', { type: 'redact', headers: ['X-Api-Key', 'Authorization'], query: ['token'], json: ['password', '$.a.b'], where: 'everywhere' }],
    ['alert', { type: 'alert', notify: false, perSecond: 5 }],
    ['alert with a webhook', { type: 'alert', notify: true, perSecond: 1, webhook: 'https://hooks.example.com/x' }],
    ['rewrite', { type: 'rewrite', url: 'https://staging.test:8443', setRequestHeaders: { 'x-env': 'staging' }, removeResponseHeaders: ['server', 'x-powered-by'], status: 418, replaceBody: { pattern: 'price": \\d+', with: 'price": 0', on: 'response' } }],
    ['rewrite, request body only', { type: 'rewrite', replaceBody: { pattern: 'a', with: '', on: 'request' } }],
    ['no-record', { type: 'no-record' }],
    ['no-forward', { type: 'no-forward' }],
    ['passthrough', { type: 'passthrough' }],
  ])('gives back a %s rule as it came (defaults filled in)', (_, action) => {
    const r = rule(action, { enabled: false, name: 'n', match: 'path^=/api' });
    expect(back(r)).toEqual(r);
  });

  it('shows a known type in its fields, as text', () => {
    const d = toDraft(rule({ type: 'mock', status: 418, headers: { a: 'b' }, body: 'tea' }), 'k');
    expect(d.action).toMatchObject({ type: 'mock', status: '418', answer: 'body', body: 'tea', other: {} });
    expect(JSON.parse(d.action.mockHeaders)).toEqual({ a: 'b' });
    expect(toDraft(rule({ type: 'redact', headers: ['a', 'b'], query: [], json: ['$.x'], where: 'forward' }), 'k').action).toMatchObject({ redactHeaders: 'a, b', query: '', json: '$.x' });
  });

  it('keeps a type it does not know as JSON of its fields, and sends it back unchanged', () => {
    const action = { type: 'rewrite', find: 'a', replace: 'b', in: ['body'] };
    const d = toDraft(rule(action), 'k');
    expect(d.action.type).toBe('rewrite');
    expect(JSON.parse(d.action.other.rewrite!)).toEqual({ find: 'a', replace: 'b', in: ['body'] });
    expect(back(rule(action))).toEqual(rule(action));
    const edited = withAction(d, { other: { rewrite: '{"find":"x"}' } });
    expect(fromDraft(edited)).toEqual({ ok: true, rule: { ...rule({ type: 'rewrite', find: 'x' }) } });
  });

  it('keeps the fields of a known type it has no control for', () => {
    const action = { type: 'bucket', bucket: 'b', later: 64 };
    expect(JSON.parse(toDraft(rule(action), 'k').action.other.bucket!)).toEqual({ later: 64 });
    expect(back(rule(action))).toEqual(rule(action));
  });

  it('splits redact lists on commas and new lines, dropping empty names', () => {
    const d: RuleDraft = { key: 'k', name: 'r', enabled: true, match: '', action: { ...emptyAction('redact'), redactHeaders: ' a ,, b\nc ', query: '', json: 'x' } };
    expect(fromDraft(d)).toMatchObject({ ok: true, rule: { action: { headers: ['a', 'b', 'c'], query: [], json: ['x'], where: 'forward' } } });
  });

  it('sends the fields of the type chosen, and keeps the others for switching back', () => {
    const d = toDraft(rule({ type: 'mock', status: 404, headers: {}, body: 'gone' }), 'k');
    const asDelay = withAction(d, { type: 'delay', ms: '30' });
    expect(fromDraft(asDelay)).toMatchObject({ ok: true, rule: { action: { type: 'delay', ms: 30 } } });
    expect(actionOf(asDelay)).toEqual({ type: 'delay', ms: 30 });
    expect(fromDraft(withAction(asDelay, { type: 'mock' }))).toMatchObject({ ok: true, rule: { action: { type: 'mock', status: 404, body: 'gone' } } });
  });

  it('leaves out an empty number (the core fills its default) and sends a number as typed, in range or not', () => {
    const d: RuleDraft = { key: 'k', name: 'r', enabled: true, match: '', action: { ...emptyAction('mock'), status: '' } };
    expect(actionOf(d)).toEqual({ type: 'mock', headers: {} });
    expect(fromDraft(withAction(d, { status: '99' }))).toMatchObject({ ok: true, rule: { action: { status: 99 } } });
  });

  it('names the field of what cannot be converted', () => {
    const d: RuleDraft = { key: 'k', name: 'r', enabled: true, match: '', action: emptyAction('mock') };
    expect(fromDraft(withAction(d, { status: 'abc', mockHeaders: '["x"]' }))).toEqual({
      ok: false,
      problems: [
        { field: 'action.status', message: 'must be a whole number' },
        { field: 'action.headers', message: 'must be a JSON object of header names to values, e.g. {"content-type": "text/plain"}' },
      ],
    });
    expect(fromDraft(withAction(d, { type: 'delay', ms: ' ', kbps: '' }))).toEqual({ ok: false, problems: [{ field: 'action.ms', message: 'give a delay in milliseconds and/or a throttle in kbps' }] });
    expect(fromDraft(withAction(d, { type: 'delay', ms: '', kbps: '64' }))).toMatchObject({ ok: true, rule: { action: { type: 'delay', kbps: 64 } } });
    expect(fromDraft(withAction(d, { type: 'rewrite', other: { rewrite: '{oops' } }))).toMatchObject({ ok: false, problems: [{ field: 'action' }] });
  });
});

describe('where a problem is shown', () => {
  const mock = emptyAction('mock');
  const unknown = { ...emptyAction('rewrite'), other: { rewrite: '{}' } };
  it.each([
    ['match', 'match', mock],
    ['name', 'name', mock],
    ['action.status', 'action.status', mock],
    ['action.headers.bad name', 'action.headers', mock],
    ['action.headers.0', 'action.headers', { ...mock, type: 'redact' }],
    ['action', 'action.type', mock],
    ['action.type', 'action.type', unknown],
    ['action.find', 'action', unknown],
    ['action', 'action', unknown],
    ['action.kbps', 'action.kbps', emptyAction('delay')],
    ['action.later', 'action', { ...emptyAction('bucket'), other: { bucket: '{"later":1}' } }],
    ['rule', 'rule', mock],
  ])('%s goes under %s', (field, slot, action) => {
    expect(slotOf(field, action)).toBe(slot);
  });
});
