// Redaction of an exchange's state: header values, query parameters and JSON
// fields (names anywhere, `$.` paths), in compressed and truncated bodies too.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toState } from '../../../electron/core/flow/state.js';
import { credentialsSpec, redactJsonText, redactQuery, redactState } from '../../../electron/core/rules/redact.js';
import { body, exchange, rewrittenExchange } from '../../support/exchanges.js';

const text = (b: { base64: string }) => Buffer.from(b.base64, 'base64').toString();

describe('redaction', () => {
  it('replaces credential header values on both sides, keeping names and order', () => {
    const state = toState(
      exchange({
        reqHeaders: [['Host', 'h'], ['Authorization', 'Bearer s3cret'], ['cookie', 'sid=1']],
        resHeaders: [['Set-Cookie', 'sid=2'], ['Content-Type', 'text/plain']],
      }),
    );
    const out = redactState(state, credentialsSpec);
    expect(out.request.headers).toEqual([['Host', 'h'], ['Authorization', '[redacted]'], ['cookie', '[redacted]']]);
    expect(out.response!.headers).toEqual([['Set-Cookie', '[redacted]'], ['Content-Type', 'text/plain']]);
    expect(state.request.headers[1]).toEqual(['Authorization', 'Bearer s3cret']);
  });

  it('replaces named query parameters, decoded names included, and nothing else', () => {
    const names = new Set(['token', 'api key']);
    expect(redactQuery('https://h/p?a=1&token=xyz&api%20key=k&b#frag', names)).toBe('https://h/p?a=1&token=%5Bredacted%5D&api%20key=%5Bredacted%5D&b#frag');
    expect(redactQuery('https://h/p', names)).toBe('https://h/p');
  });

  it('replaces JSON fields by name anywhere and by path from the root', () => {
    const doc = JSON.stringify({ password: 'p', user: { ssn: '1', name: 'a', password: 'q' }, list: [{ ssn: '2' }] });
    expect(JSON.parse(redactJsonText(doc, ['password', '$.user.ssn'])!)).toEqual({
      password: '[redacted]',
      user: { ssn: '[redacted]', name: 'a', password: '[redacted]' },
      list: [{ ssn: '2' }],
    });
    expect(redactJsonText('not json at all', ['password'])).toBeNull();
  });

  it('finds named fields in a body cut off by the capture cap', () => {
    expect(redactJsonText('{"user":"a","password":"hunter2","more":[1,2', ['password'])).toBe('{"user":"a","password":"[redacted]","more":[1,2');
    expect(redactJsonText('{"token": 12345', ['$.token'])).toBe('{"token": "[redacted]"');
  });

  it('redacts a gzipped JSON body and keeps it decoded (its Content-Encoding goes)', () => {
    const json = JSON.stringify({ password: 'p', ok: true });
    const state = toState(
      exchange({
        resHeaders: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']],
        resBody: body(gzipSync(json)),
      }),
    );
    const out = redactState(state, { headers: [], query: [], json: ['password'] });
    expect(JSON.parse(text(out.response!.body))).toEqual({ password: '[redacted]', ok: true });
    expect(out.response!.headers).toEqual([['Content-Type', 'application/json']]);
  });

  it("redacts the upstream's side of a rewrite too: what went upstream and what came back", () => {
    const ex = rewrittenExchange();
    ex.upstream!.request!.url = 'https://staging.test/v1?token=t0k';
    ex.upstream!.request!.headers += '\nCookie\nsession=abc';
    const out = redactState(toState(ex), { headers: ['cookie'], query: ['token'], json: ['price'] });
    expect(out.upstream!.request).toMatchObject({ url: 'https://staging.test/v1?token=%5Bredacted%5D', body: null });
    expect(out.upstream!.request!.headers).toContainEqual(['Cookie', '[redacted]']);
    expect(JSON.parse(text(out.upstream!.response!.body!))).toEqual({ price: '[redacted]' });
    expect(JSON.parse(text(out.response!.body))).toEqual({ price: '[redacted]' });
    expect(redactState(toState(exchange()), credentialsSpec).upstream).toBeNull();
  });
});
