// The core's adapter from a flow Exchange to a filter's target: fields taken
// from the model, bodies decoded (gzip here), headers and bodies read lazily.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CapturedBody } from '../../../electron/core/flow/body.js';
import { exchangeTarget, hostName } from '../../../electron/core/filter/exchangeTarget.js';
import { urlParts } from '../../../electron/core/flow/urlParts.js';
import { compileFilter, parseFilter } from '../../../electron/core/filter/index.js';
import { body, exchange } from '../../support/exchanges.js';

const matches = (filter: string, ex: ReturnType<typeof exchange>): boolean => {
  const p = parseFilter(filter);
  if (!p.ok) throw new Error(p.error.message);
  return compileFilter(p.filter)(exchangeTarget(ex));
};

describe('exchangeTarget', () => {
  const gzipped = exchange({
    method: 'GET',
    url: 'https://API.example.com:8443/v1/users?id=42#frag',
    reqHeaders: [['Host', 'API.example.com:8443'], ['Accept', 'application/json']],
    status: 201,
    resHeaders: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']],
    resBody: body(gzipSync('{"greeting":"hello from the upstream"}')),
    startedAt: 1000,
    responseStartedAt: 1100,
    endedAt: 1250.5,
    meta: { delivery: 'sent' },
  });

  it('finds text in a gzip response body, decoded', () => {
    expect(matches('resbody*="hello from"', gzipped)).toBe(true);
    expect(matches('~bs greeting.*upstream', gzipped)).toBe(true);
    expect(matches('resbody*=goodbye', gzipped)).toBe(false);
    expect(exchangeTarget(gzipped).responseBody).toBe('{"greeting":"hello from the upstream"}');
  });

  it('maps the exchange fields', () => {
    const t = exchangeTarget(gzipped);
    expect({ ...t, contentType: t.contentType, requestHeaders: t.requestHeaders, responseHeaders: t.responseHeaders, requestBody: t.requestBody }).toMatchObject({
      method: 'GET',
      url: 'https://API.example.com:8443/v1/users?id=42#frag',
      host: 'api.example.com',
      path: '/v1/users',
      query: 'id=42',
      protocol: 'https',
      status: 201,
      contentType: 'application/json',
      requestHeaders: [['Host', 'API.example.com:8443'], ['Accept', 'application/json']],
      requestBody: '',
      requestSize: 0,
      durationMs: 250.5,
      delivery: 'sent',
      error: null,
      pending: false,
    });
    expect(t.responseSize).toBe(gzipped.response!.body.size);
    expect(matches('host=api.example.com path=/v1/users query=id=42 status=2xx duration>250 delivery=sent type=json', gzipped)).toBe(true);
  });

  it('gives a pending exchange without a response null status, duration, body and content type', () => {
    const pending = exchange({ status: null, endedAt: null, responseStartedAt: null, reqBody: body('name=ada') });
    const t = exchangeTarget(pending);
    expect([t.status, t.durationMs, t.responseBody, t.responseSize, t.contentType, t.delivery, t.pending]).toEqual([null, null, null, null, null, null, true]);
    expect(t.responseHeaders).toEqual([]);
    expect(t.requestBody).toBe('name=ada');
    expect(matches('is:pending reqbody*=ada status!=200 delivery=none', pending)).toBe(true);
    expect(matches('status<1000 or duration>=0 or size>=0', pending)).toBe(false);
  });

  it('gives a failed exchange its error; an unknown coding or unknown delivery value gives null', () => {
    const failed = exchange({ status: null, error: 'ECONNRESET', meta: { delivery: 'bogus' } });
    expect(matches('is:error -is:pending ~e delivery=none', failed)).toBe(true);
    const odd = exchange({ resHeaders: [['Content-Encoding', 'zstd-nope']], resBody: body('plain') });
    expect(exchangeTarget(odd).responseBody).toBeNull();
  });

  it('reads headers and bodies only when a filter asks', () => {
    const resBody = new CapturedBody(1024);
    let reads = 0;
    const bytes = resBody.bytes.bind(resBody);
    resBody.bytes = () => (reads++, bytes());
    const t = exchangeTarget(exchange({ resBody }));
    expect(compileFilter({ type: 'number', field: 'status', op: '=', min: 200, max: 200 })(t)).toBe(true);
    expect(reads).toBe(0);
    void t.responseBody;
    void t.responseBody;
    expect(reads).toBe(1);
  });

  it('splits URLs as sent and strips ports from hosts', () => {
    expect(urlParts('http://h')).toEqual({ protocol: 'http', port: 80, path: '/', query: '' });
    expect(urlParts('http://h?x=1')).toEqual({ protocol: 'http', port: 80, path: '/', query: 'x=1' });
    expect(urlParts('https://h/a/../b%20c?q#f')).toEqual({ protocol: 'https', port: 443, path: '/a/../b%20c', query: 'q' });
    expect(urlParts('https://u:p@h:8443/x')).toMatchObject({ port: 8443, path: '/x' });
    expect(urlParts('http://[::1]:9/x')).toMatchObject({ port: 9 });
    expect(urlParts('https://[::1]/x')).toMatchObject({ port: 443 });
    expect(urlParts('ftp://h/x')).toMatchObject({ port: 0 });
    expect([hostName('Example.com:80'), hostName('[::1]:8080'), hostName('example.com')]).toEqual(['example.com', '[::1]', 'example.com']);
  });
});
