// What the body worker makes of captured bytes. Web APIs only (this file is
// type-checked with the renderer's DOM lib); Node 20 has them all.
import { describe, expect, it } from 'vitest';
import { formatBody, type BodyRequest } from '../../../renderer/src/worker/bodyFormat.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const toBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const compress = async (bytes: Uint8Array, format: CompressionFormat) =>
  new Uint8Array(await new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer());
/** brotliCompressSync('{"a":1}') */
const BROTLI = new Uint8Array([11, 3, 128, 123, 34, 97, 34, 58, 49, 125, 3]);

const req = (bytes: Uint8Array | string, over: Partial<BodyRequest> = {}): BodyRequest => ({
  id: 1, base64: toBase64(typeof bytes === 'string' ? utf8(bytes) : bytes), contentType: '', contentEncoding: '', truncated: false, ...over,
});
const json = '{"a":1,"b":[true,null]}';

describe('body formatting', () => {
  it('pretty-prints JSON', async () => {
    const r = await formatBody(req(json, { contentType: 'application/json' }));
    expect(r.kind).toBe('json');
    expect(r.text).toBe(JSON.stringify(JSON.parse(json), null, 2));
  });

  it('decodes gzip, zlib deflate, raw deflate and stacked codings', async () => {
    const body = utf8(json);
    for (const [bytes, encoding] of [
      [await compress(body, 'gzip'), 'gzip'],
      [await compress(body, 'deflate'), 'deflate'],
      [await compress(body, 'deflate-raw'), 'deflate'],
      [await compress(await compress(body, 'deflate'), 'gzip'), 'deflate, gzip'],
    ] as const) {
      const r = await formatBody(req(bytes, { contentEncoding: encoding }));
      expect(r.kind, encoding).toBe('json');
      expect(JSON.parse(r.text)).toEqual(JSON.parse(json));
    }
  });

  it('says so when Brotli cannot be decoded here, and shows the bytes', async () => {
    const r = await formatBody(req(BROTLI, { contentEncoding: 'br' }));
    if (r.kind === 'json') return expect(r.text).toContain('"a": 1'); // a runtime with a Brotli DecompressionStream
    expect(r.notes.join(' ')).toMatch(/br \(Brotli\) cannot be decoded in this browser/);
    expect(['hex', 'text']).toContain(r.kind);
  });

  it('shows binary as a hex dump and notes truncation', async () => {
    const r = await formatBody(req(new Uint8Array([0, 1, 0xff, 0x41]), { truncated: true }));
    expect(r.kind).toBe('hex');
    expect(r.text).toBe(`00000000  00 01 ff 41${' '.repeat(36)}  ...A`);
    expect(r.notes[0]).toMatch(/^truncated/);
  });

  it('notes a compressed body cut short by truncation', async () => {
    const cut = (await compress(utf8('x'.repeat(10_000)), 'gzip')).subarray(0, 20);
    const r = await formatBody(req(cut, { contentEncoding: 'gzip', truncated: true }));
    expect(r.notes).toContain('could not decode gzip (the body was truncated); showing the bytes as received');
  });
});
