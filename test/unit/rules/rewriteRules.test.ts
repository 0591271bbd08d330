// The rewrite action as data: each part checked, every refusal naming the rule
// and the field, and its match limited to what the request headers tell.
import { describe, expect, it } from 'vitest';
import { describeProblem, validateRules } from '../../../electron/core/rules/validateRules.js';

const problems = (rules: unknown[]) => {
  const r = validateRules(rules);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map(describeProblem);
};
const rewrite = (action: Record<string, unknown>) => [{ name: 'rw', match: 'host=api.test', action: { type: 'rewrite', ...action } }];

describe('rewrite rule validation', () => {
  it('takes every part, alone or together, and fills in replaceBody.on', () => {
    const r = validateRules([
      { name: 'map', match: 'host=api.test', action: { type: 'rewrite', url: 'https://staging.test:8443' } },
      { name: 'map path', match: '', action: { type: 'rewrite', url: 'http://127.0.0.1:9/v2/users?x=1' } },
      {
        name: 'all',
        match: 'method=POST path^=/v1 reqheader[x-test]',
        action: {
          type: 'rewrite',
          setRequestHeaders: { 'X-Env': 'staging', Host: 'other.test' },
          removeRequestHeaders: ['Cookie'],
          setResponseHeaders: { 'Cache-Control': 'no-store' },
          removeResponseHeaders: ['Set-Cookie', 'Content-Type'],
          status: 503,
          replaceBody: { pattern: '"price":\\s*(\\d+)', with: '"price": 0', on: 'request' },
        },
      },
      { name: 'body', match: '', action: { type: 'rewrite', replaceBody: { pattern: 'foo', with: '' } } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rules[0]!.action).toEqual({ type: 'rewrite', url: 'https://staging.test:8443' });
    expect(r.rules[3]!.action).toEqual({ type: 'rewrite', replaceBody: { pattern: 'foo', with: '', on: 'response' } });
  });

  it.each([
    [rewrite({}), 'rule 1 ("rw"): action: give at least one of url, setRequestHeaders, removeRequestHeaders, setResponseHeaders, removeResponseHeaders, status, replaceBody'],
    [rewrite({ setRequestHeaders: {}, removeResponseHeaders: [] }), 'rule 1 ("rw"): action: give at least one of'],
    [rewrite({ url: 'staging.test' }), 'rule 1 ("rw"): action.url: must be an absolute http(s) URL, at least scheme and host'],
    [rewrite({ url: '/v2/users' }), 'action.url: must be an absolute http(s) URL'],
    [rewrite({ url: 'ftp://files.test/' }), 'action.url: must be an absolute http(s) URL'],
    [rewrite({ url: 'http://' }), 'action.url: must be an absolute http(s) URL'],
    [rewrite({ url: 'http://a b.test/' }), 'action.url: must be an absolute http(s) URL'],
    [rewrite({ url: 'https://user:pw@staging.test' }), 'action.url: must not carry user:password@'],
    [rewrite({ url: 'https://staging.test/#top' }), 'action.url: must not have a #fragment'],
    [rewrite({ url: 42 }), 'action.url: Invalid input: expected string'],
    [rewrite({ setRequestHeaders: { 'bad name': 'x' } }), 'rule 1 ("rw"): action.setRequestHeaders.bad name: must be an HTTP header name'],
    [rewrite({ setResponseHeaders: { 'X-A': 'line\r\nbreak' } }), 'action.setResponseHeaders.X-A: must not contain CR, LF or NUL'],
    [rewrite({ setResponseHeaders: { 'Content-Length': '3' } }), 'action.setResponseHeaders.Content-Length: Content-Length and Transfer-Encoding frame the body: the proxy sets them'],
    [rewrite({ removeRequestHeaders: ['x-ok', 'Transfer-Encoding'] }), 'action.removeRequestHeaders.1: Content-Length and Transfer-Encoding frame the body'],
    [rewrite({ removeRequestHeaders: ['Host'] }), 'action.removeRequestHeaders.0: the upstream needs a Host'],
    [rewrite({ removeResponseHeaders: ['no:colon'] }), 'action.removeResponseHeaders.0: must be an HTTP header name'],
    [rewrite({ status: 99 }), 'action.status: Too small'],
    [rewrite({ status: 600 }), 'action.status: Too big'],
    [rewrite({ status: 200.5 }), 'action.status: Invalid input: expected int'],
    [rewrite({ replaceBody: { pattern: '(', with: 'x' } }), 'rule 1 ("rw"): action.replaceBody.pattern: must be a JavaScript regular expression (Invalid regular expression: /(/: Unterminated group)'],
    [rewrite({ replaceBody: { pattern: '', with: 'x' } }), 'action.replaceBody.pattern: must not be empty'],
    [rewrite({ replaceBody: { pattern: 'a' } }), 'action.replaceBody.with: must be the replacement text'],
    [rewrite({ replaceBody: { pattern: 'a', with: 'b', on: 'both' } }), 'action.replaceBody.on: must be request or response'],
    [rewrite({ replaceBody: { pattern: 'a', with: 'b', flags: 'i' } }), 'action.replaceBody: Unrecognized key: "flags"'],
    [rewrite({ status: 500, body: 'x' }), 'rule 1 ("rw"): action: Unrecognized key: "body"'],
    [[{ name: 'late', match: 'status=500', action: { type: 'rewrite', status: 200 } }], 'rule 1 ("late"): match: rewrite decides when the request headers arrive: its match can use method, url, host, port, path, query, protocol, request headers and plain words (it uses status)'],
    [[{ name: 'late', match: 'resheader[content-type]', action: { type: 'rewrite', status: 200 } }], '(it uses resheader)'],
    [[{ name: 'late', match: 'reqbody*=secret', action: { type: 'rewrite', replaceBody: { pattern: 'secret', with: 'x', on: 'request' } } }], '(it uses reqbody)'],
  ])('refuses %j', (rules, message) => {
    expect(problems(rules).join('\n')).toContain(message);
  });

  it('names every part at fault, not only the first', () => {
    expect(problems(rewrite({ url: 'nope', status: 42, replaceBody: { pattern: '[', with: '' } }))).toHaveLength(3);
  });
});
