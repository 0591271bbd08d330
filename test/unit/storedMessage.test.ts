import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { copyForDelivery } from '../../electron/core/app.js';
import { toRunscopeMessage } from '../../electron/core/runscope/message.js';
import { messageTextOf, storedFormOf } from '../../electron/core/runscope/storedMessage.js';
import { CapturedBody, packHeaders, type Exchange } from '../../electron/core/store/exchange.js';

function body(bytes: Buffer | string, cap = 1024): CapturedBody {
  const b = new CapturedBody(cap);
  b.push(Buffer.from(bytes));
  return b;
}

function exchange(over: Partial<Exchange> = {}): Exchange {
  return {
    id: '0190c2a0-0000-7000-8000-000000000001',
    startedAt: 1_700_000_000_123.456,
    method: 'POST',
    url: 'http://127.0.0.1:9/path?q=1',
    host: '127.0.0.1:9',
    httpVersion: '1.1',
    requestHeaders: packHeaders(['Host', '127.0.0.1:9', 'Content-Type', 'application/x-www-form-urlencoded', 'X-Twice', 'a', 'x-twice', 'b']),
    requestBody: body('a=1&a=2&b=h%C3%A9'),
    status: 200,
    reason: 'OK',
    responseHeaders: packHeaders(['Content-Type', 'text/plain; charset=utf-8', 'Set-Cookie', 'k=1', 'Set-Cookie', 'k=2']),
    responseBody: body('héllo\n"quoted"'),
    responseStartedAt: 1_700_000_000_200,
    endedAt: 1_700_000_000_373.456,
    state: 'complete',
    error: null,
    delivery: null,
    ...over,
  };
}

const cases: Array<[string, Exchange]> = [
  ['a form POST with repeated headers and a UTF-8 body', exchange()],
  ['a gzip response', exchange({ responseHeaders: packHeaders(['Content-Encoding', 'gzip']), responseBody: body(gzipSync('zipped text')) })],
  ['binary bodies', exchange({ requestBody: body(Buffer.from([0, 255, 1, 254])), responseBody: body(Buffer.from([0xc3, 0x28, 0xff])) })],
  ['a body cut at the capture limit', exchange({ responseBody: body('0123456789', 4) })],
  ['no bodies and no headers', exchange({ requestHeaders: '', responseHeaders: '', requestBody: new CapturedBody(10), responseBody: new CapturedBody(10) })],
  ['a failed exchange without a response', exchange({ status: null, reason: '', endedAt: null, responseHeaders: '' })],
];

describe('stored messages', () => {
  it.each(cases)('%s: the message built from the stored copy is the one built from the exchange, log_body on and off', (_name, ex) => {
    for (const logBody of [false, true]) {
      const stored = storedFormOf(copyForDelivery(ex, logBody));
      expect(stored.startsWith('[')).toBe(true);
      expect(messageTextOf(stored)).toBe(JSON.stringify(toRunscopeMessage(ex, logBody)));
    }
  });

  it('keeps no body bytes when log_body is off', () => {
    const stored = storedFormOf(copyForDelivery(exchange(), false));
    expect(stored).not.toContain(Buffer.from('a=1&a=2').toString('base64'));
    expect(JSON.parse(messageTextOf(stored)).request.body).toBeUndefined();
  });

  it('passes a message JSON object through as it is (outboxes written before copies were stored)', () => {
    const message = JSON.stringify(toRunscopeMessage(exchange(), true));
    expect(messageTextOf(message)).toBe(message);
  });
});
