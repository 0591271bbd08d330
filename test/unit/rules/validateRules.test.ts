// Rules as data: defaults filled in, and every refusal names the rule (by
// position and name) and the field, including a match that asks what the
// action cannot know yet.
import { describe, expect, it } from 'vitest';
import { describeProblem, parseRulesFile, validateRules } from '../../../electron/core/rules/validateRules.js';

const problems = (rules: unknown[]) => {
  const r = validateRules(rules);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map(describeProblem);
};

describe('rule validation', () => {
  it('fills in defaults', () => {
    const r = validateRules([
      { name: 'slow api', match: 'host=api.test', action: { type: 'delay', ms: 200 } },
      { name: 'fake 500', match: 'path^=/fail', action: { type: 'mock', status: 500, body: 'boom' } },
      { name: 'no tokens', match: '', action: { type: 'redact', json: ['password', '$.user.ssn'] } },
      { name: '5xx', match: 'status>=500', action: { type: 'alert' } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rules[0]).toMatchObject({ enabled: true });
    expect(r.rules[1]!.action).toEqual({ type: 'mock', status: 500, headers: {}, body: 'boom' });
    expect(r.rules[2]!.action).toEqual({ type: 'redact', headers: [], query: [], json: ['password', '$.user.ssn'], where: 'forward' });
    expect(r.rules[3]!.action).toEqual({ type: 'alert', notify: true, perSecond: 1 });
  });

  it.each([
    [[{ name: 'x', match: '', action: { type: 'mock', status: 99 } }], 'rule 1 ("x"): action.status: Too small'],
    [[{ name: 'ok', match: '', action: { type: 'no-forward' } }, { name: 'y', match: 'status>=', action: { type: 'no-forward' } }], 'rule 2 ("y"): match: filter error at column'],
    [[{ name: 'z', match: '', action: { type: 'explode' } }], 'rule 1 ("z"): action.type: type must be one of passthrough, no-record'],
    [[{ match: '', action: { type: 'no-forward' } }], 'rule 1: name: must be a string'],
    [[{ name: 'b', match: '', action: { type: 'bucket', bucket: 'has space' } }], 'rule 1 ("b"): action.bucket: must be a bucket key'],
    [[{ name: 'r', match: '', action: { type: 'redact' } }], 'rule 1 ("r"): action.headers: name at least one of headers, query or json'],
    [[{ name: 'h', match: '', action: { type: 'mock', headers: { 'bad header': 'v' } } }], 'rule 1 ("h"): action.headers.bad header'],
    [[{ name: 'f', match: '', action: { type: 'mock', body: 'a', file: '/x' } }], 'rule 1 ("f"): action.file: give body or file, not both'],
    [[{ name: 'e', match: '', action: { type: 'no-forward' }, extra: 1 }], 'rule 1 ("e"): rule: Unrecognized key'],
    [[{ name: 'p', match: 'path^=/bank', action: { type: 'passthrough' } }], 'rule 1 ("p"): match: passthrough decides before the connection is decrypted: its match can use only host and port (it uses path)'],
    [[{ name: 'm', match: 'status=500', action: { type: 'mock' } }], 'rule 1 ("m"): match: mock decides when the request headers arrive'],
    [[{ name: 'n', match: 'type=image', action: { type: 'no-record' } }], '(it uses type)'],
    [[{ name: 'd', match: 'resheader[x-a]', action: { type: 'delay', ms: 5 } }], '(it uses resheader)'],
    [[{ name: 'd2', match: 'reqbody*=x', action: { type: 'delay', ms: 5 } }], '(it uses reqbody)'],
    [[{ name: 'q', match: 'is:error', action: { type: 'mock' } }], '(it uses is:error)'],
    [[{ name: 'bp', match: '', action: { type: 'breakpoint', on: 'later' } }], 'rule 1 ("bp"): action.on: must be request, response or both'],
    [[{ name: 'bp2', match: '', action: { type: 'breakpoint', ms: 5 } }], 'rule 1 ("bp2"): action: Unrecognized key'],
    // Even a response breakpoint decides from the request: the proxy must know before the upstream answers.
    [[{ name: 'bp3', match: 'status=500', action: { type: 'breakpoint', on: 'response' } }], 'rule 1 ("bp3"): match: breakpoint decides when the request headers arrive'],
    [[{ name: 'bp4', match: 'resheader[x-a]', action: { type: 'breakpoint', on: 'both' } }], '(it uses resheader)'],
  ])('refuses %j', (rules, message) => {
    expect(problems(rules).join('\n')).toContain(message);
  });

  it('lets request and connect rules use what they can know', () => {
    const r = validateRules([
      { name: 'bank', match: 'host$=bank.example or (host=pay.test port=8443)', action: { type: 'passthrough' } },
      { name: 'mock', match: 'method=POST path^=/v1 reqheader[x-test] -query*=debug "api"', action: { type: 'mock' } },
      { name: 'alert', match: 'status>=500 resbody*=exception', action: { type: 'alert' } },
    ]);
    expect(r.ok).toBe(true);
  });

  it('a breakpoint pauses the request by default, and may use what the request headers tell', () => {
    const r = validateRules([
      { name: 'pause orders', match: 'method=POST path^=/orders reqheader[x-debug]', action: { type: 'breakpoint' } },
      { name: 'pause answers', match: 'host=api.test', action: { type: 'breakpoint', on: 'response' } },
      { name: 'pause both', match: '', action: { type: 'breakpoint', on: 'both' } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rules.map((x) => x.action)).toEqual([
      { type: 'breakpoint', on: 'request' },
      { type: 'breakpoint', on: 'response' },
      { type: 'breakpoint', on: 'both' },
    ]);
  });

  it('reports every rule at fault, not only the first', () => {
    expect(problems([{ name: 'a', match: '(', action: { type: 'no-forward' } }, { name: 'b', match: '', action: { type: 'delay', ms: 0 } }])).toHaveLength(2);
    expect(problems([{ name: 'c', match: '', action: { type: 'delay' } }])).toEqual([expect.stringMatching(/^rule 1 \("c"\): action\.ms: give ms .* and\/or kbps/)]);
    expect(problems([{ name: 'd', match: '', action: { type: 'delay', kbps: 0 } }])).toEqual([expect.stringMatching(/^rule 1 \("d"\): action\.kbps: /)]);
  });

  it('reads a rules file: JSON, version and list checked first', () => {
    expect(parseRulesFile('{"rules":[]}')).toEqual({ ok: true, rules: [] });
    const bad = (text: string) => {
      const r = parseRulesFile(text);
      return r.ok ? '' : describeProblem(r.problems[0]!);
    };
    expect(bad('{"rules":')).toMatch(/^rules file: file: not JSON/);
    expect(bad('{"version":2,"rules":[]}')).toBe('rules file: version: must be 1');
    expect(bad('{"rules":{}}')).toBe('rules file: rules: must be a list of rules');
    expect(bad('{"rules":[{"name":"x","match":"","action":{"type":"delay"}}]}')).toMatch(/^rule 1 \("x"\): action.ms/);
  });
});
