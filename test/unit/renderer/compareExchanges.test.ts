// The compare view's logic: lines, headers (by name without case, repeated
// ones as one entry), bodies as a line diff after JSON is pretty-printed.
import { describe, expect, it } from 'vitest';
import type { HeaderPair } from '../../../electron/core/api.js';
import { compareExchanges, diffHeaders, MAX_EDITS, type CompareSide, type DiffLine } from '../../../renderer/src/compare/compareExchanges.js';

type Bytes = string | Uint8Array;

function side(p: { method?: string; url?: string; reqHeaders?: HeaderPair[]; reqBody?: Bytes; status?: number | null; resHeaders?: HeaderPair[]; resBody?: Bytes; error?: string | null }): CompareSide {
  // A string is a text body, bytes a binary one (the view's decoder said it is not text).
  const text = (b: Bytes | undefined) => (b === undefined ? '' : typeof b === 'string' ? b : null);
  const view = (b: Bytes | undefined) => {
    const bytes = b === undefined ? new Uint8Array() : typeof b === 'string' ? new TextEncoder().encode(b) : b;
    return { base64: btoa(String.fromCharCode(...bytes)), size: bytes.length, truncated: false };
  };
  const status = p.status === undefined ? 200 : p.status;
  return {
    detail: {
      method: p.method ?? 'GET',
      url: p.url ?? 'http://127.0.0.1:9/a?x=1',
      httpVersion: '1.1',
      error: p.error ?? null,
      request: { headers: p.reqHeaders ?? [['Host', '127.0.0.1:9']], body: view(p.reqBody) },
      response: status === null ? null : { status, reason: 'OK', headers: p.resHeaders ?? [['Content-Type', 'text/plain']], body: view(p.resBody) },
    },
    requestText: text(p.reqBody),
    responseText: status === null ? '' : text(p.resBody),
  };
}

const shown = (lines: DiffLine[]) => lines.map((l) => (l.op === 'skip' ? `… ${l.count}` : `${l.op}${l.text}`));

describe('compareExchanges', () => {
  it('two identical exchanges are the same throughout', () => {
    const a = side({ reqBody: '{"a":1}', resBody: 'hello\nworld\n' });
    const c = compareExchanges(a, side({ reqBody: '{"a":1}', resBody: 'hello\nworld\n' }));
    expect(c.identical).toBe(true);
    expect(c.requestLine).toEqual({ before: 'GET http://127.0.0.1:9/a?x=1 HTTP/1.1', after: 'GET http://127.0.0.1:9/a?x=1 HTTP/1.1', same: true });
    expect(c.statusLine.same).toBe(true);
    expect([...c.requestHeaders, ...c.responseHeaders].map((h) => h.kind)).toEqual(['same', 'same']);
    expect(c.requestBody.same && c.responseBody.same).toBe(true);
  });

  it('request and status lines: what changed, and no response with its error', () => {
    const c = compareExchanges(side({ url: 'http://h/a?x=1' }), side({ method: 'POST', url: 'http://h/a?x=2', status: null, error: 'ECONNRESET' }));
    expect(c.requestLine).toEqual({ before: 'GET http://h/a?x=1 HTTP/1.1', after: 'POST http://h/a?x=2 HTTP/1.1', same: false });
    expect(c.statusLine).toEqual({ before: 'HTTP/1.1 200 OK', after: 'no response (ECONNRESET)', same: false });
    expect(c.identical).toBe(false);
  });

  it('headers added, removed and changed, with both values; names without case; repeated ones in order', () => {
    const changes = diffHeaders(
      [['Host', 'h'], ['Content-Type', 'text/plain'], ['X-Old', '1'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['Accept', '*/*'], ['Via', 'x'], ['via', 'y']],
      [['host', 'h'], ['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'c=3'], ['ACCEPT', '*/*'], ['Via', 'y'], ['Via', 'x'], ['X-New', '2']],
    );
    expect(changes).toEqual([
      { name: 'Host', otherName: 'host', kind: 'same', before: ['h'], after: ['h'] },
      { name: 'Content-Type', kind: 'changed', before: ['text/plain'], after: ['application/json'] },
      { name: 'X-Old', kind: 'removed', before: ['1'], after: [] },
      { name: 'Set-Cookie', kind: 'changed', before: ['a=1', 'b=2'], after: ['a=1', 'c=3'] },
      { name: 'Accept', otherName: 'ACCEPT', kind: 'same', before: ['*/*'], after: ['*/*'] },
      // The order of a repeated header's values counts.
      { name: 'Via', kind: 'changed', before: ['x', 'y'], after: ['y', 'x'] },
      { name: 'X-New', kind: 'added', before: [], after: ['2'] },
    ]);
    // A header only one side repeats.
    expect(diffHeaders([['A', '1']], [['A', '1'], ['a', '1']])).toEqual([{ name: 'A', kind: 'changed', before: ['1'], after: ['1', '1'] }]);
  });

  it('JSON bodies are pretty-printed before the diff, so a changed field is one line', () => {
    const json: HeaderPair[] = [['Content-Type', 'application/json']];
    const a = side({ resHeaders: json, resBody: '{"id":1,"name":"ada","tags":["x","y"]}' });
    const b = side({ resHeaders: json, resBody: '{\n    "id": 1,    "name": "grace", "tags": ["x", "y"]}' });
    const diff = compareExchanges(a, b).responseBody;
    expect(diff.kind).toBe('text');
    if (diff.kind !== 'text') return;
    expect(diff.same).toBe(false);
    expect(shown(diff.lines)).toEqual(['{', '  "id": 1,', '-  "name": "ada",', '+  "name": "grace",', '  "tags": [', '    "x",', '    "y"', '  ]', '}'].map((l) => (/^[-+]/.test(l) ? l : ` ${l}`)));
    // Laid out differently, the same JSON is the same body.
    expect(compareExchanges(a, side({ resHeaders: json, resBody: '{ "id": 1, "name": "ada", "tags": ["x","y"] }' })).responseBody.same).toBe(true);
  });

  it('text bodies as they are, long unchanged runs folded to the context', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const changed = lines.map((l, i) => (i === 10 ? 'LINE 10' : l));
    const diff = compareExchanges(side({ resBody: `${lines.join('\n')}\n` }), side({ resBody: `${changed.join('\n')}\n` })).responseBody;
    if (diff.kind !== 'text') throw new Error(diff.kind);
    expect(shown(diff.lines)).toEqual(['… 7', ' line 7', ' line 8', ' line 9', '-line 10', '+LINE 10', ' line 11', ' line 12', ' line 13', '… 6']);
    // Text that merely looks like JSON and is not stays as it is.
    const notJson = compareExchanges(side({ reqBody: '{not json' }), side({ reqBody: '{not json!' })).requestBody;
    if (notJson.kind !== 'text') throw new Error(notJson.kind);
    expect(shown(notJson.lines)).toEqual(['-{not json', '+{not json!']);
  });

  it('bodies too different to diff are said to be, with their line counts', () => {
    const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`).join('\n');
    const n = MAX_EDITS;
    expect(compareExchanges(side({ resBody: lines('a', n) }), side({ resBody: lines('b', n + 1) })).responseBody).toEqual({ kind: 'large', same: false, lineCounts: [n, n + 1] });
  });

  it('binary bodies by their bytes: size, same or different', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
    expect(compareExchanges(side({ resBody: png }), side({ resBody: png.slice() })).responseBody).toEqual({ kind: 'binary', same: true, sizes: [7, 7] });
    expect(compareExchanges(side({ resBody: png }), side({ resBody: new Uint8Array([...png, 3]) })).responseBody).toEqual({ kind: 'binary', same: false, sizes: [7, 8] });
    // Text on one side, bytes on the other.
    expect(compareExchanges(side({ resBody: 'text' }), side({ resBody: png })).responseBody).toMatchObject({ kind: 'binary', same: false });
  });
});
