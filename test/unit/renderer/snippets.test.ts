// "Copy as": the HAR request built from a detail, each target's code from the
// snippet library with what we add around it, and the raw HTTP text.
import { describe, expect, it } from 'vitest';
import type { HeaderPair } from '../../../electron/core/api.js';
import { rawHttp } from '../../../renderer/src/components/workbench/rawHttp.js';
import { harRequest, requestBody, toBase64, type CopySource } from '../../../renderer/src/components/workbench/requestParts.js';
import { SNIPPET_TARGETS, snippetFor } from '../../../renderer/src/components/workbench/snippets.js';

const source = (method: string, url: string, headers: HeaderPair[], body: Uint8Array | string = '', truncated = false): CopySource => {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return { method, url, httpVersion: '1.1', request: { headers, body: { base64: toBase64(bytes), size: bytes.length + (truncated ? 10 : 0), truncated } } };
};

const json = source('POST', 'http://127.0.0.1:9/api/items?q=a%20b&q=c&flag', [
  ['Host', '127.0.0.1:9'],
  ['Content-Type', 'application/json'],
  ['X-Tag', 'one'],
  ['x-tag', "it's two"],
  ['Cookie', 'a=1'],
  ['Cookie', 'b=2'],
  ['Content-Length', '25'],
], '{"name":"it\'s","n":1,"$":2}');
const BINARY = new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80]);
const binary = source('PUT', 'http://127.0.0.1:9/upload', [['Content-Type', 'application/octet-stream']], BINARY);

describe('the HAR request', () => {
  it('splits the query into pairs (repeats kept), joins repeated headers, drops framing headers, keeps a text body', () => {
    const har = harRequest(json, requestBody(json.request.body, json.request.headers));
    expect(har).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9/api/items', httpVersion: 'HTTP/1.1' });
    expect(har.queryString).toEqual([{ name: 'q', value: 'a b' }, { name: 'q', value: 'c' }, { name: 'flag', value: '' }]);
    expect(har.headers).toEqual([{ name: 'Content-Type', value: 'application/json' }, { name: 'X-Tag', value: "one, it's two" }, { name: 'Cookie', value: 'a=1; b=2' }]);
    expect(har.postData).toEqual({ mimeType: 'application/json', text: '{"name":"it\'s","n":1,"$":2}' });
  });

  it('knows bytes from text: invalid UTF-8, NUL, or a compressed body are bytes', () => {
    expect(requestBody(binary.request.body, binary.request.headers).kind).toBe('binary');
    expect(requestBody(source('POST', 'http://h/', [], 'a\0b').request.body, []).kind).toBe('binary');
    expect(requestBody(source('POST', 'http://h/', [], 'text').request.body, [['Content-Encoding', 'gzip']]).kind).toBe('binary');
    expect(requestBody(source('GET', 'http://h/', []).request.body, [])).toEqual({ kind: 'none' });
    expect(harRequest(binary, requestBody(binary.request.body, [])).postData).toBeUndefined();
  });
});

describe('copy as', () => {
  it('cURL: the URL with its query, every header value, the body as sent', async () => {
    const code = await snippetFor(json, 'curl');
    expect(code).toContain("--url 'http://127.0.0.1:9/api/items?q=a+b&q=c&flag='");
    expect(code).toContain("--header 'X-Tag: one, it'\\''s two'");
    expect(code).toContain("--header 'Cookie: a=1; b=2'");
    expect(code).toContain(`--data-binary '{"name":"it'\\''s","n":1,"$":2}'`);
    expect(code).not.toMatch(/Content-Length|Host:/i);
  });

  it('cURL and HTTPie: a binary body piped in from base64, byte for byte', async () => {
    const curl = await snippetFor(binary, 'curl');
    expect(curl.startsWith(`printf '%s' '${toBase64(BINARY)}' | base64 --decode | curl --request PUT`)).toBe(true);
    expect(curl.endsWith('--data-binary @-')).toBe(true);
    expect(await snippetFor(binary, 'httpie')).toMatch(/^printf '%s' '\/\/4AAYA=' \| base64 --decode \| http PUT /);
  });

  it('the other targets say a binary body is left out, in their comment syntax', async () => {
    expect(await snippetFor(binary, 'python')).toMatch(/^# The request body \(5 bytes of binary data\) is not included\.\nimport requests/);
    expect(await snippetFor(binary, 'fetch')).toMatch(/^\/\/ The request body \(5 bytes of binary data\) is not included\./);
    expect(await snippetFor(binary, 'raw')).toContain('[binary body: 5 bytes, not shown as text]');
  });

  it('every target names the URL and carries the JSON body', async () => {
    for (const { id } of SNIPPET_TARGETS) {
      const code = await snippetFor(json, id);
      expect(code, id).toContain('127.0.0.1:9');
      expect(code, id).toMatch(/it(\\'|'\\''|''|')s/);
    }
    const node = await snippetFor(json, 'node');
    expect(node).not.toContain('node-fetch');
    expect(node).toContain('await fetch(url, options)');
    const python = await snippetFor(json, 'python');
    expect(python).toContain('querystring = {"q":["a b","c"],"flag":""}');
    expect(python).toContain('json=payload');
  });

  it('PowerShell: quotes doubled in the body, `$` not expanded in header values', async () => {
    const code = await snippetFor(source('POST', 'http://127.0.0.1:9/x', [['Content-Type', 'text/plain'], ['X-Price', '$5']], "it's"), 'powershell');
    expect(code).toContain('$headers.Add("X-Price", "`$5")');
    expect(code).toContain("-Body 'it''s'");
    expect(code).toContain("Invoke-WebRequest -Uri 'http://127.0.0.1:9/x' -Method POST");
  });

  it('a HEAD request: curl --head (curl waits for a body after --request HEAD)', async () => {
    expect(await snippetFor(source('HEAD', 'http://127.0.0.1:9/', []), 'curl')).toContain('curl --head');
  });

  it('a body cut at the capture cap is said so', async () => {
    expect(await snippetFor(source('POST', 'http://127.0.0.1:9/', [['Content-Type', 'text/plain']], 'abc', true), 'curl')).toMatch(/^# The request body was cut at the capture cap: 13 bytes were sent, this has the first 3\.\n/);
  });
});

describe('raw HTTP', () => {
  it('the request line with the query, headers as captured (repeats, case, order), the body', () => {
    expect(rawHttp(json)).toBe(
      [
        'POST /api/items?q=a%20b&q=c&flag HTTP/1.1',
        'Host: 127.0.0.1:9',
        'Content-Type: application/json',
        'X-Tag: one',
        "x-tag: it's two",
        'Cookie: a=1',
        'Cookie: b=2',
        'Content-Length: 25',
        '',
        '{"name":"it\'s","n":1,"$":2}',
      ].join('\r\n'),
    );
  });

  it('adds Host when the capture had none (HTTP/2 carries it apart)', () => {
    expect(rawHttp({ ...source('GET', 'https://a.test:8443/p', [['accept', '*/*']]), httpVersion: '2' })).toBe('GET /p HTTP/1.1\r\nHost: a.test:8443\r\naccept: */*\r\n\r\n');
  });
});
