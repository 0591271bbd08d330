// HAR 1.2 export: decoded bodies with their decoded size, cookies parsed from headers.
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harEntry, harText, toHar } from '../../electron/core/har/export.js';
import { toState } from '../../electron/core/flow/state.js';
import { detailOf } from '../../electron/core/flow/views.js';
import { stateOfDetail, writeHarFile } from '../../electron/headless/harFile.js';
import { body, exchange, rewrittenExchange, tunnelExchange } from '../support/exchanges.js';

describe('HAR export', () => {
  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])('a %s response is exported as its decoded text, with the decoded size and the bytes compression saved', (encoding, compress) => {
    const text = 'hello '.repeat(200);
    const wire = compress(Buffer.from(text));
    const entry = harEntry(toState(exchange({ resHeaders: [['Content-Encoding', encoding], ['Content-Type', 'text/plain']], resBody: body(wire) })));
    expect(entry.response.content).toMatchObject({ text, size: text.length, compression: text.length - wire.length, mimeType: 'text/plain' });
    expect(entry.response.content).not.toHaveProperty('encoding');
    expect(entry.response.bodySize).toBe(wire.length);
  });

  it("a rewritten exchange is exported as the client saw it: its URL, the response it got", () => {
    const entry = harEntry(toState(rewrittenExchange()));
    expect(entry.request.url).toBe('http://api.test/v1/users?id=7');
    expect(entry.response).toMatchObject({ status: 503, content: { text: '{"price": 0}' } });
    expect(JSON.stringify(entry)).not.toContain('staging.test');
  });

  it('a body that is not UTF-8 is base64; one that cannot be decoded is exported as it came', () => {
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    const bin = harEntry(toState(exchange({ resBody: body(binary) })));
    expect(bin.response.content).toMatchObject({ text: binary.toString('base64'), encoding: 'base64', size: 4 });
    const broken = harEntry(toState(exchange({ resHeaders: [['Content-Encoding', 'gzip']], resBody: body('not gzip') })));
    expect(broken.response.content).toMatchObject({ text: 'not gzip', size: 8 });
    expect(broken.response.content).not.toHaveProperty('compression');
  });

  it('says when a body was cut at the capture cap', () => {
    const entry = harEntry(toState(exchange({ resBody: body('0123456789', 4) })));
    expect(entry.response.content).toMatchObject({ text: '0123', size: 10, comment: 'truncated: 4 of 10 bytes kept' });
  });

  it('parses cookies from Cookie and Set-Cookie', () => {
    const entry = harEntry(
      toState(
        exchange({
          reqHeaders: [['Cookie', 'a=1; b=two words'], ['cookie', 'c=3']],
          resHeaders: [
            ['Set-Cookie', 'sid=abc; Path=/app; Domain=example.test; Expires=Wed, 09 Jun 2038 10:18:14 GMT; HttpOnly; Secure'],
            ['set-cookie', 'plain=1'],
          ],
        }),
      ),
    );
    expect(entry.request.cookies).toEqual([{ name: 'a', value: '1' }, { name: 'b', value: 'two words' }, { name: 'c', value: '3' }]);
    expect(entry.response.cookies).toEqual([
      { name: 'sid', value: 'abc', path: '/app', domain: 'example.test', expires: '2038-06-09T10:18:14.000Z', httpOnly: true, secure: true },
      { name: 'plain', value: '1' },
    ]);
  });
});

describe('harText', () => {
  const states = [exchange({ id: 'a' }), exchange({ id: 'b', url: 'http://h.test/b' })].map((ex) => toState(ex));
  it('is the same document as toHar, entry by entry', () => {
    const har = harText(states, Number.MAX_SAFE_INTEGER)!;
    expect(har.count).toBe(2);
    expect(JSON.parse(har.text)).toEqual(JSON.parse(JSON.stringify(toHar(states))));
    expect(JSON.parse(harText([], 10)!.text)).toEqual(JSON.parse(JSON.stringify(toHar([]))));
  });
  it('gives up past the bound instead of building a string that cannot be carried', () => {
    const one = JSON.stringify(harEntry(states[0]!)).length;
    expect(harText(states, one + 1)).toBeNull();
    expect(harText(states.slice(0, 1), one + 1)?.count).toBe(1);
  });
});

describe('HAR export of tunnels', () => {
  // A tunnel carried no HTTP the proxy read: every way of exporting leaves it out, and counts only entries written.
  const states = [exchange({ id: 'a' }), tunnelExchange({ id: 't' }), exchange({ id: 'b' })].map((ex) => toState(ex));
  const ids = (har: unknown) => (har as { log: { entries: Array<{ _id: string }> } }).log.entries.map((e) => e._id);

  it('toHar and harText leave tunnels out', () => {
    expect(ids(toHar(states))).toEqual(['a', 'b']);
    const text = harText(states, Number.MAX_SAFE_INTEGER)!;
    expect(text.count).toBe(2);
    expect(ids(JSON.parse(text.text))).toEqual(['a', 'b']);
  });

  it('the file export-har writes leaves them out too, also from detail views', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'har-tunnel-')), 'out.har');
    const fromDetails = [exchange({ id: 'a' }), tunnelExchange({ id: 't' })].map((ex) => stateOfDetail(detailOf(ex)));
    expect(fromDetails[1]).toMatchObject({ kind: 'tunnel', tunnel: { rule: 'my bank' } });
    expect(await writeHarFile(path, [...states, ...fromDetails])).toBe(3);
    expect(ids(JSON.parse(readFileSync(path, 'utf8')))).toEqual(['a', 'b', 'a']);
  });
});
