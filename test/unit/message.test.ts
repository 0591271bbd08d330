import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toRunscopeMessage, headersObject } from '../../electron/core/runscope/message.js';
import { messagesUrl } from '../../electron/core/runscope/client.js';
import { packHeaders } from '../../electron/core/flow/headers.js';
import { CapturedBody } from '../../electron/core/flow/body.js';
import type { HeaderPair } from '../../electron/core/api.js';
import { body, exchange as anExchange } from '../support/exchanges.js';

function exchange(over: { reqHeaders?: HeaderPair[]; reqBody?: CapturedBody; resHeaders?: HeaderPair[]; resBody?: CapturedBody } = {}) {
  return anExchange({ ...over, status: 404, reason: 'Not Found' });
}

describe('toRunscopeMessage', () => {
  it('maps the exchange field by field (log_body off: no body, body_encoding or form)', () => {
    const ex = exchange({
      reqHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
      reqBody: body('a=1&b=2'),
      resBody: body('nope'),
    });
    const m = toRunscopeMessage(ex, false);
    expect(m).toEqual({
      unique_identifier: 'ex-1',
      request: { method: 'POST', url: 'http://127.0.0.1:9/path?q=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, timestamp: 1_700_000_000.123456 },
      response: { status: 404, reason: 'Not Found', headers: { 'Content-Type': 'text/plain' }, timestamp: 1_700_000_000.373456, response_time: expect.closeTo(0.25, 9), size_bytes: 4 },
    });
  });

  it('keeps repeated headers as arrays under the first spelling', () => {
    expect(headersObject(packHeaders(['Set-Cookie', 'a=1', 'X-One', '1', 'set-cookie', 'b=2', 'SET-COOKIE', 'c=3']))).toEqual({ 'Set-Cookie': ['a=1', 'b=2', 'c=3'], 'X-One': '1' });
  });

  it('log_body on: text as text, binary as base64, urlencoded as form fields', () => {
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    const m = toRunscopeMessage(
      exchange({ reqHeaders: [['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], reqBody: body('a=1&a=2&b=x%20y'), resBody: body(binary) }),
      true,
    );
    expect(m.request.body).toBe('a=1&a=2&b=x%20y');
    expect(m.request.body_encoding).toBeUndefined();
    expect(m.request.form).toEqual({ a: ['1', '2'], b: 'x y' });
    expect(m.response.body).toBe(binary.toString('base64'));
    expect(m.response.body_encoding).toBe('base64');
  });

  it.each([
    ['gzip', gzipSync('hello gzip')],
    ['br', brotliCompressSync('hello gzip')],
    ['deflate', deflateSync('hello gzip')],
  ])('decodes %s bodies and drops content-encoding from the copied headers', (encoding, bytes) => {
    const m = toRunscopeMessage(exchange({ resHeaders: [['Content-Encoding', encoding], ['Content-Type', 'text/plain']], resBody: body(bytes) }), true);
    expect(m.response.body).toBe('hello gzip');
    expect(m.response.headers).toEqual({ 'Content-Type': 'text/plain' });
    expect(m.response.size_bytes).toBe(bytes.length);
  });

  it('sends undecodable compressed bodies raw (base64) and keeps content-encoding', () => {
    const m = toRunscopeMessage(exchange({ resHeaders: [['Content-Encoding', 'gzip']], resBody: body(Buffer.from([0x1f, 0x8b, 0xff, 0xff])) }), true);
    expect(m.response.body_encoding).toBe('base64');
    expect(m.response.headers).toEqual({ 'Content-Encoding': 'gzip' });
  });

  it('keeps content-encoding when log_body is off', () => {
    const m = toRunscopeMessage(exchange({ resHeaders: [['Content-Encoding', 'gzip']], resBody: body(gzipSync('x')) }), false);
    expect(m.response.headers).toEqual({ 'Content-Encoding': 'gzip' });
  });

  it('reports the size on the wire, not the kept part, for a truncated body', () => {
    const b = new CapturedBody(4);
    b.push(Buffer.from('0123456789'));
    const m = toRunscopeMessage(exchange({ resBody: b }), true);
    expect(m.response.size_bytes).toBe(10);
    expect(m.response.body).toBe('0123');
  });
});

describe('messagesUrl', () => {
  it.each([
    ['https://api.runscope.com', 'abc', 'https://api.runscope.com/buckets/abc/messages'],
    ['https://api.runscope.com/', 'abc', 'https://api.runscope.com/buckets/abc/messages'],
    ['http://127.0.0.1:9/runscope/', 'a b/c', 'http://127.0.0.1:9/runscope/buckets/a%20b%2Fc/messages'],
    ['http://127.0.0.1:9/x//', 'k', 'http://127.0.0.1:9/x/buckets/k/messages'],
  ])('%s + %s → %s', (endpoint, bucket, expected) => {
    expect(messagesUrl(endpoint, bucket).href).toBe(expected);
  });
});
