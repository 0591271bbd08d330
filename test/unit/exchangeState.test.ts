// The serialiser: fromState(toState(x)) gives back every field of x, through JSON.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { fromState, STATE_VERSION, toState, type ExchangeState } from '../../electron/core/flow/state.js';
import { body, exchange, exchangeFields } from '../support/exchanges.js';

const roundTrip = (ex: Exchange) => fromState(JSON.parse(JSON.stringify(toState(ex))) as ExchangeState);

const cases: Array<[string, Exchange]> = [
  [
    'every field, repeated headers in their case and order',
    exchange({
      id: 'x-1',
      method: 'PUT',
      url: 'https://[::1]:8443/a/b?q=1&q=2',
      reqHeaders: [['Host', '[::1]:8443'], ['X-Twice', 'a'], ['x-twice', 'b'], ['Empty', '']],
      reqBody: body('{"a":1}'),
      status: 201,
      reason: 'Created Here',
      resHeaders: [['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['Content-Type', 'application/json']],
      resBody: body('{"ok":true}'),
      meta: { delivery: 'sent', tag: 'one', count: 3, flag: true, none: null },
    }),
  ],
  ['binary bodies', exchange({ reqBody: body(Buffer.from([0, 0xff, 0xc3, 0x28])), resBody: body(gzipSync('zipped')) })],
  ['bodies cut at the capture cap', exchange({ reqBody: body('0123456789', 3), resBody: body('abcdefghij', 4) })],
  ['empty bodies and no headers', exchange({ reqHeaders: [], resHeaders: [], reqBody: new CapturedBody(0), resBody: new CapturedBody(5) })],
  ['a failed exchange without a response', exchange({ status: null, responseStartedAt: null, error: 'upstream refused the connection (127.0.0.1:9)' })],
  ['a failed exchange with part of a response', exchange({ resBody: body('part', 100), error: 'upstream closed the connection before the response body ended' })],
  ['a pending exchange', exchange({ status: null, responseStartedAt: null, endedAt: null })],
];

describe('exchange state', () => {
  it.each(cases)('%s: round-trips through JSON', (_name, ex) => {
    expect(exchangeFields(roundTrip(ex))).toEqual(exchangeFields(ex));
  });

  it('is plain, versioned JSON with headers as pairs and bodies as base64', () => {
    const s = toState(exchange({ reqHeaders: [['A', '1'], ['a', '2']], resBody: body('hi') }));
    expect(s.v).toBe(STATE_VERSION);
    expect(s.request.headers).toEqual([['A', '1'], ['a', '2']]);
    expect(s.response?.body).toEqual({ base64: Buffer.from('hi').toString('base64'), size: 2, truncated: false });
  });

  it('a copy without bodies keeps their sizes and says nothing of it was kept', () => {
    const s = toState(exchange({ reqBody: body('abc'), resBody: body('hello') }), { bodies: false });
    expect(s.request.body).toEqual({ base64: '', size: 3, truncated: true });
    const back = fromState(s);
    expect([back.response!.body.size, back.response!.body.kept]).toEqual([5, 0]);
  });

  it('refuses what is not a state, naming what is wrong', () => {
    const good = toState(exchange());
    expect(() => fromState({ ...good, v: 99 } as unknown as ExchangeState)).toThrow(/version 99/);
    expect(() => fromState({ ...good, request: { ...good.request, headers: 'x' } } as unknown as ExchangeState)).toThrow(/headers/);
    expect(() => fromState({ ...good, response: { ...good.response!, body: {} } } as unknown as ExchangeState)).toThrow(/response\.body/);
  });

  it('the forward copy passes through the redaction steps, in order, and leaves the exchange as it was', () => {
    const ex = exchange({ reqHeaders: [['Authorization', 'Bearer secret-1'], ['X-Keep', 'yes']] });
    const copy = forwardCopy(ex, false, [
      (s) => ({ ...s, request: { ...s.request, headers: s.request.headers.map(([n, v]) => [n, n === 'Authorization' ? '[redacted]' : v]) } }),
      (s) => ({ ...s, meta: { ...s.meta, redacted: true } }),
    ]);
    expect(copy.exchange.request.headers).toEqual([['Authorization', '[redacted]'], ['X-Keep', 'yes']]);
    expect(copy.exchange.meta.redacted).toBe(true);
    expect(JSON.stringify(copy)).not.toContain('secret-1');
    expect(toState(ex).request.headers[0]).toEqual(['Authorization', 'Bearer secret-1']);
  });
});
