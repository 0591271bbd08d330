import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forwardCopy } from '../../electron/core/addons/forward/forwardCopy.js';
import { toRunscopeMessage } from '../../electron/core/runscope/message.js';
import { messageTextOf, storedFormOf } from '../../electron/core/runscope/storedMessage.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { body as bodyOf, exchange as anExchange, type ExchangeParts } from '../support/exchanges.js';

const body = (bytes: Buffer | string, cap = 1024) => bodyOf(bytes, cap);

function exchange(over: ExchangeParts = {}): Exchange {
  return anExchange({
    id: '0190c2a0-0000-7000-8000-000000000001',
    reqHeaders: [['Host', '127.0.0.1:9'], ['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twice', 'a'], ['x-twice', 'b']],
    reqBody: body('a=1&a=2&b=h%C3%A9'),
    resHeaders: [['Content-Type', 'text/plain; charset=utf-8'], ['Set-Cookie', 'k=1'], ['Set-Cookie', 'k=2']],
    resBody: body('héllo\n"quoted"'),
    ...over,
  });
}

const cases: Array<[string, Exchange]> = [
  ['a form POST with repeated headers and a UTF-8 body', exchange()],
  ['a gzip response', exchange({ resHeaders: [['Content-Encoding', 'gzip']], resBody: body(gzipSync('zipped text')) })],
  ['binary bodies', exchange({ reqBody: body(Buffer.from([0, 255, 1, 254])), resBody: body(Buffer.from([0xc3, 0x28, 0xff])) })],
  ['a body cut at the capture limit', exchange({ resBody: body('0123456789', 4) })],
  ['no bodies and no headers', exchange({ reqHeaders: [], resHeaders: [], reqBody: new CapturedBody(10), resBody: new CapturedBody(10) })],
  ['a failed exchange without a response', exchange({ status: null, endedAt: null, error: 'upstream refused the connection (127.0.0.1:9)' })],
];

describe('stored messages', () => {
  it.each(cases)('%s: the message built from the stored copy is the one built from the exchange, log_body on and off', (_name, ex) => {
    for (const logBody of [false, true]) {
      const stored = storedFormOf(forwardCopy(ex, logBody, []));
      expect(messageTextOf(stored)).toBe(JSON.stringify(toRunscopeMessage(ex, logBody)));
    }
  });

  it('keeps no body bytes when log_body is off', () => {
    const stored = storedFormOf(forwardCopy(exchange(), false, []));
    expect(stored).not.toContain(Buffer.from('a=1&a=2').toString('base64'));
    expect(JSON.parse(messageTextOf(stored)).request.body).toBeUndefined();
  });
});
