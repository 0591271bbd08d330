// The serialiser: fromState(toState(x)) gives back every field of x, through JSON.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { fromState, STATE_VERSION, toState, type ExchangeState } from '../../electron/core/flow/state.js';
import { detailOf, summaryOf } from '../../electron/core/flow/views.js';
import { body, exchange, exchangeFields, rewrittenExchange, tunnelExchange, webSocketExchange } from '../support/exchanges.js';
import { toRunscopeMessage } from '../../electron/core/runscope/message.js';

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
  ['a passthrough tunnel: kind, port, bytes each way and rule', tunnelExchange({ host: '[::1]', port: 8443, bytesUp: 1234, bytesDown: 98_765, rule: 'no bank' })],
  ['a tunnel the host refused', tunnelExchange({ bytesUp: 0, bytesDown: 0, error: 'upstream refused the connection (bank.test:443)' })],
  ['a websocket: text, binary and ping frames each way, a payload cut at the cap, the close', webSocketExchange()],
  ['a websocket still open', webSocketExchange({ close: null, endedAt: null })],
  ['a websocket that broke without a close frame', webSocketExchange({ close: null, error: 'the server connection broke without a close frame' })],
  ['an event stream with its chunk arrival times', { ...exchange({ resHeaders: [['Content-Type', 'text/event-stream']], resBody: body('data: a\n\ndata: b\n\n') }), chunkTimes: [[0, 1764633600123.5], [9, 1764633600300.25]] }],
  ['a rewritten exchange: what went upstream and what came back, a body null where it is the same bytes', rewrittenExchange()],
  [
    'a rewrite refused after the upstream answered: its response kept, cut at the cap, with the 502 the client got',
    (() => {
      const ex = rewrittenExchange();
      ex.upstream = { rules: ['a', 'b'], request: null, response: { status: 200, reason: 'OK', headers: '', body: body('0123456789', 4) } };
      return { ...ex, error: 'rule "b": the response body is larger than the capture cap (4 bytes), so it cannot be rewritten' };
    })(),
  ],
  [
    'a request rewritten body and all, with no response yet',
    (() => {
      const ex = exchange({ status: null, responseStartedAt: null, endedAt: null });
      ex.upstream = { rules: ['body'], request: { method: 'POST', url: ex.request.url, headers: '', body: body('changed') }, response: null };
      return ex;
    })(),
  ],
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

  it('a state stored before tunnels existed (no tunnel field) reads back as an http exchange without one', () => {
    const { tunnel: _none, ...old } = toState(exchange());
    expect(fromState(old as ExchangeState).tunnel).toBeNull();
    expect(toState(exchange()).tunnel).toBeNull();
  });

  it('a state stored before rewrites existed (no upstream field) reads back as an exchange nothing rewrote', () => {
    const { upstream: _none, ...old } = toState(exchange());
    expect(fromState(old as ExchangeState).upstream).toBeNull();
    expect(toState(exchange()).upstream).toBeNull();
  });

  it("keeps the upstream's bodies in a copy without bodies: the store keeps them in the state", () => {
    const s = toState(rewrittenExchange(), { bodies: false });
    expect(s.response!.body.base64).toBe('');
    expect(s.upstream!.response!.body).toEqual({ base64: Buffer.from('{"price": 12}').toString('base64'), size: 13, truncated: false });
    expect(s.upstream!.request!.body).toBeNull();
  });

  it("the detail carries the upstream's side as the state has it; the summary stays the client's view", () => {
    const ex = rewrittenExchange();
    expect(detailOf(ex).upstream).toEqual(toState(ex).upstream);
    expect(detailOf(ex).upstream).toMatchObject({ rules: ['to staging'], request: { url: 'https://staging.test:8443/v1/users?id=7' }, response: { status: 200 } });
    expect(summaryOf(ex)).toMatchObject({ url: 'http://api.test/v1/users?id=7', host: 'api.test', status: 503 });
    expect(detailOf(exchange()).upstream).toBeNull();
  });

  it('refuses an upstream side that is not one, naming the field', () => {
    const good = toState(rewrittenExchange());
    const up = good.upstream!;
    const bad = (upstream: unknown) => () => fromState({ ...good, upstream } as unknown as ExchangeState);
    expect(bad({ ...up, rules: 'to staging' })).toThrow(/upstream\.rules/);
    expect(bad({ ...up, request: { ...up.request!, url: 3 } })).toThrow(/upstream\.request/);
    expect(bad({ ...up, request: { ...up.request!, headers: [['a']] } })).toThrow(/upstream\.request/);
    expect(bad({ ...up, response: { ...up.response!, status: '200' } })).toThrow(/upstream\.response/);
    expect(bad({ ...up, response: { ...up.response!, body: {} } })).toThrow(/upstream\.response\.body/);
  });

  it('refuses a tunnel that does not go with its kind, or is not one', () => {
    const t = toState(tunnelExchange());
    expect(() => fromState({ ...t, tunnel: null })).toThrow(/tunnel/);
    expect(() => fromState({ ...t, kind: 'http' })).toThrow(/tunnel/);
    expect(() => fromState({ ...t, tunnel: { ...t.tunnel!, bytesUp: -1 } })).toThrow(/tunnel/);
    expect(() => fromState({ ...t, tunnel: { ...t.tunnel!, rule: 3 } } as unknown as ExchangeState)).toThrow(/tunnel/);
  });

  it("the views carry a tunnel's kind and a copy of its facts; its bytes are not body sizes", () => {
    const ex = tunnelExchange({ bytesUp: 10, bytesDown: 20 });
    const s = summaryOf(ex);
    expect(s).toMatchObject({ kind: 'tunnel', tunnel: { port: 443, bytesUp: 10, bytesDown: 20, rule: 'my bank' }, method: 'CONNECT', url: 'https://bank.test/', host: 'bank.test', status: 200, requestBytes: 0, responseBytes: 0 });
    ex.tunnel!.bytesDown = 99;
    expect(s.tunnel!.bytesDown).toBe(20);
    expect(detailOf(ex)).toMatchObject({ kind: 'tunnel', tunnel: { bytesDown: 99 } });
    expect(summaryOf(exchange())).toMatchObject({ kind: 'http', tunnel: null });
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

  it("the forward copy is what the client saw: the upstream's side of a rewrite is left out", () => {
    const copy = forwardCopy(rewrittenExchange(), true, []);
    expect(copy.exchange.upstream).toBeNull();
    expect(copy.exchange.response).toMatchObject({ status: 503 });
  });

  it('a websocket state carries its frames (payload base64, cut ones marked); its summary counts them', () => {
    const st = toState(webSocketExchange());
    expect(st.websocket!.frames.map((f) => [f.from, f.type, f.size, f.truncated])).toEqual([
      ['client', 'text', 11, false],
      ['server', 'text', 12, false],
      ['client', 'binary', 4, false],
      ['server', 'ping', 0, false],
      ['server', 'text', 30, true],
    ]);
    expect(Buffer.from(st.websocket!.frames[4]!.base64, 'base64').toString()).toBe('x'.repeat(40 - 27));
    expect(summaryOf(webSocketExchange())).toMatchObject({ kind: 'websocket', messages: 5, status: 101 });
    expect(summaryOf(exchange())).not.toHaveProperty('messages');
  });

  it('refuses a websocket state that does not go with its kind, or whose frames are not frames; an old state reads as none', () => {
    const w = toState(webSocketExchange());
    expect(() => fromState({ ...w, websocket: null })).toThrow(/websocket/);
    expect(() => fromState({ ...w, kind: 'http' })).toThrow(/websocket/);
    expect(() => fromState({ ...w, websocket: { ...w.websocket!, frames: [{ ...w.websocket!.frames[0]!, from: 'nobody' as 'client' }] } })).toThrow(/websocket\.frames\[0\]/);
    const { websocket: _none, chunkTimes: _noTimes, ...old } = toState(exchange());
    expect(fromState(old as ExchangeState).websocket).toBeNull();
    expect(fromState(old as ExchangeState).chunkTimes).toBeNull();
    expect(() => fromState({ ...toState(exchange()), chunkTimes: [[-1, 5]] })).toThrow(/chunkTimes/);
  });

  it('Runscope gets a websocket as its upgrade: http(s) URL, the 101 timed to its arrival, no frames in the copy', () => {
    const ex = webSocketExchange();
    const m = toRunscopeMessage(ex, true);
    expect(m.request.url).toBe('https://chat.test/socket?room=7');
    expect(m.response.status).toBe(101);
    expect(m.response.response_time).toBeCloseTo((ex.timings.responseStartedAt! - ex.timings.startedAt) / 1000, 6);
    expect(forwardCopy(ex, true, []).exchange.websocket).toMatchObject({ frames: [], close: { code: 1000 } });
  });
});
