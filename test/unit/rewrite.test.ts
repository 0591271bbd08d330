// What a rewrite does to heads and bodies (proxy/rewrite.ts), and how its
// decision travels: through the pipeline with the go verdict, from the rules
// addon in list order, a mock before it answering as written.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { withRewrites } from '../../electron/core/addons/rules/rewrites.js';
import { rulesAddon } from '../../electron/core/addons/rules/rules.js';
import type { AddonContext, Decision, Rewrite } from '../../electron/core/pipeline/addon.js';
import { Pipeline } from '../../electron/core/pipeline/pipeline.js';
import { editRequestHeaders, editResponseHead, framed, mapDestination, rewriteBody, setHeader, urlOf } from '../../electron/core/proxy/rewrite.js';
import { RulesStorage } from '../../electron/core/rules/rulesStorage.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';
import { exchange } from '../support/exchanges.js';

const rw = (r: Omit<Rewrite, 'rule'>, rule = 'r'): Rewrite => ({ rule, ...r });

describe('rewrite transformations', () => {
  it.each([
    ['/v1/users?id=7', 'https://staging.test', { https: true, hostname: 'staging.test', port: 443, host: 'staging.test', path: '/v1/users?id=7' }],
    ['/v1/users?id=7', 'http://127.0.0.1:9/', { https: false, hostname: '127.0.0.1', port: 9, host: '127.0.0.1:9', path: '/v1/users?id=7' }],
    ['/v1/users?id=7', 'https://s.test:8443/v2', { https: true, hostname: 's.test', port: 8443, host: 's.test:8443', path: '/v2?id=7' }],
    ['/v1/users?id=7', 'http://s.test/?x=1', { https: false, hostname: 's.test', port: 80, host: 's.test', path: '/v1/users?x=1' }],
    ['/a%20b', 'http://[::1]:8080', { https: false, hostname: '::1', port: 8080, host: '[::1]:8080', path: '/a%20b' }],
    ['/', 'https://s.test:443/v2/x?y', { https: true, hostname: 's.test', port: 443, host: 's.test', path: '/v2/x?y' }],
  ])('maps %s to %s', (path, to, want) => {
    expect(mapDestination(path, to)).toEqual(want);
  });

  it('writes the URL of a destination as the exchange records it', () => {
    expect(urlOf(mapDestination('/p?q', 'https://s.test:8443'))).toBe('https://s.test:8443/p?q');
  });

  it('sets a header in place of the first of its name (its spelling kept, repeats gone), or last when new', () => {
    expect(setHeader(['Host', 'a', 'X-A', '1', 'x-a', '2', 'B', 'b'], 'x-a', '3')).toEqual(['Host', 'a', 'X-A', '3', 'B', 'b']);
    expect(setHeader(['Host', 'a'], 'X-New', 'n')).toEqual(['Host', 'a', 'X-New', 'n']);
  });

  it('edits request headers rule by rule: removals (any case), then values set', () => {
    const raw = ['Host', 'h', 'Cookie', 'a=1', 'cookie', 'b=2', 'User-Agent', 'c/1'];
    const out = editRequestHeaders(raw, [rw({ removeRequestHeaders: ['COOKIE'], setRequestHeaders: { 'user-agent': 'r/1' } }), rw({ setRequestHeaders: { 'X-Env': 'staging' } })]);
    expect(out).toEqual(['Host', 'h', 'User-Agent', 'r/1', 'X-Env', 'staging']);
  });

  it("gives the response the rule's status with its standard reason, and keeps the upstream's reason for its own status", () => {
    const head = { status: 200, reason: 'Fine Here', headers: ['Set-Cookie', 'a=1', 'Content-Type', 'text/plain'] };
    expect(editResponseHead(head, [rw({ status: 503, removeResponseHeaders: ['set-cookie'], setResponseHeaders: { 'Retry-After': '5' } })])).toEqual({
      status: 503,
      reason: 'Service Unavailable',
      headers: ['Content-Type', 'text/plain', 'Retry-After', '5'],
    });
    expect(editResponseHead(head, [rw({ status: 200 })]).reason).toBe('Fine Here');
  });

  it('replaces every match, rule by rule, with $ references; no match leaves the body as it came', () => {
    const rules = [rw({ replaceBody: { pattern: '(\\w+)@example\\.com', with: '$1@test.invalid', on: 'response' } }), rw({ replaceBody: { pattern: 'ann', with: 'bob', on: 'response' } })];
    expect(rewriteBody(Buffer.from('ann@example.com, cy@example.com'), [], rules, 'response')).toEqual({ ok: true, body: Buffer.from('bob@test.invalid, cy@test.invalid'), decoded: false });
    expect(rewriteBody(Buffer.from('nothing here'), [], rules, 'response')).toEqual({ ok: true, body: null, decoded: false });
    expect(rewriteBody(Buffer.from('ann'), [], rules, 'request')).toEqual({ ok: true, body: null, decoded: false });
  });

  it('decodes a compressed body first (the result goes decoded); refuses one that does not decode, naming the rule', () => {
    const rules = [rw({ replaceBody: { pattern: 'hello', with: 'bye', on: 'response' } }, 'bye')];
    expect(rewriteBody(gzipSync('hello'), ['Content-Encoding', 'gzip'], rules, 'response')).toEqual({ ok: true, body: Buffer.from('bye'), decoded: true });
    expect(rewriteBody(Buffer.from('not gzip'), ['Content-Encoding', 'gzip'], rules, 'response')).toEqual({
      ok: false,
      rule: 'bye',
      why: 'the response body is gzip-encoded and does not decode, so it cannot be rewritten',
    });
  });

  it('matches a body that is not UTF-8 byte for byte, and leaves its other bytes as they were', () => {
    const binary = Buffer.from([0xff, 0x00, 0x41, 0xc3, 0x28]);
    const out = rewriteBody(binary, [], [rw({ replaceBody: { pattern: 'A', with: 'B', on: 'request' } })], 'request');
    expect(out).toEqual({ ok: true, body: Buffer.from([0xff, 0x00, 0x42, 0xc3, 0x28]), decoded: false });
  });

  it('frames a body sent whole by its length: no Transfer-Encoding, no Content-Encoding once decoded', () => {
    expect(framed(['Content-Encoding', 'gzip', 'Transfer-Encoding', 'chunked', 'X', '1'], 3, true)).toEqual(['X', '1', 'Content-Length', '3']);
    expect(framed(['Content-Length', '10', 'Content-Encoding', 'br'], 3, false)).toEqual(['Content-Length', '3', 'Content-Encoding', 'br']);
  });
});

describe('the rewrite decision', () => {
  const decide = (decisions: Decision[]) =>
    new Pipeline(decisions.map((d, i) => ({ name: `a${i}`, intercept: () => d }))).intercept(exchange());

  it('goes with the go verdict, the rewrites of every addon in order, the later addons still deciding', async () => {
    const a = rw({ status: 201 }, 'a');
    const b = rw({ status: 202 }, 'b');
    expect(decide([{ go: { rewrites: [a] } }, undefined, { go: { rewrites: [b] } }])).toMatchObject({ kind: 'go', rewrites: [a, b] });
    expect(await decide([{ go: { rewrites: [a] } }, { hold: Promise.resolve({ go: { rewrites: [b] } }) }])).toMatchObject({ kind: 'go', rewrites: [a, b] });
    expect(decide([{ go: { rewrites: [a] } }, { drop: true }])).toEqual({ kind: 'drop' });
    expect(decide([undefined])).toEqual({ kind: 'go' });
  });

  it("goes with whatever the other request rules come to: a breakpoint's pause and edit too; not with an answer, drop or close", async () => {
    const a = rw({ status: 201 }, 'a');
    const edit = { method: 'PUT', url: 'http://h/x', headers: [], body: Buffer.from('e') };
    expect(withRewrites(undefined, [a])).toEqual({ go: { rewrites: [a] } });
    expect(withRewrites({ go: { request: edit, rewrites: [a] } }, [a])).toEqual({ go: { request: edit, rewrites: [a, a] } });
    const paused = withRewrites({ pause: async () => ({ go: { request: edit } }) }, [a]);
    expect(paused && 'pause' in paused && (await paused.pause({ body: Buffer.alloc(0), complete: true, signal: new AbortController().signal }))).toEqual({ go: { request: edit, rewrites: [a] } });
    const held = withRewrites({ hold: Promise.resolve({ close: 'dropped' }) }, [a]);
    expect(held && 'hold' in held && (await held.hold)).toEqual({ close: 'dropped' });
    expect(withRewrites({ drop: true }, [a])).toEqual({ drop: true });
  });

  async function interceptOf(rules: unknown[]): Promise<Decision> {
    const checked = validateRules(rules);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const addon = rulesAddon({ storage: new RulesStorage(mkdtempSync(join(tmpdir(), 'rewrite-rules-'))), override: { rules: checked.rules, file: 'rules.json' } });
    await addon.start!({} as AddonContext);
    const d = addon.intercept!(exchange({ url: 'http://api.test/x' }));
    return d && 'hold' in d ? d.hold : d;
  }

  it('the rules addon gives its matching rewrites in list order, with their rule names, after any delay', async () => {
    const d = await interceptOf([
      { name: 'one', match: 'host=api.test', action: { type: 'rewrite', status: 500 } },
      { name: 'other host', match: 'host=else.test', action: { type: 'rewrite', status: 501 } },
      { name: 'wait', match: '', action: { type: 'delay', ms: 1 } },
      { name: 'two', match: '', action: { type: 'rewrite', replaceBody: { pattern: 'a', with: 'b' } } },
    ]);
    expect(d).toEqual({ go: { rewrites: [{ rule: 'one', status: 500 }, { rule: 'two', replaceBody: { pattern: 'a', with: 'b', on: 'response' } }] } });
  });

  it('a mock answers as it is written: rewrites before it do not apply, nor after', async () => {
    const d = await interceptOf([
      { name: 'before', match: '', action: { type: 'rewrite', status: 500 } },
      { name: 'mock', match: '', action: { type: 'mock', status: 204 } },
      { name: 'after', match: '', action: { type: 'rewrite', status: 501 } },
    ]);
    expect(d).toMatchObject({ answer: { status: 204 } });
  });
});
