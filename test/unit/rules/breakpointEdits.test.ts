// A paused exchange's edits: Content-Length follows the body, the Host header
// follows the URL, the scheme stays, and the same values are no edit at all.
import { describe, expect, it } from 'vitest';
import { answerOf, requestEdit, responseEdit, withLength } from '../../../electron/core/addons/rules/breakpointEdits.js';

const request = { method: 'POST', url: 'http://api.test/orders?x=1', headers: [['Host', 'api.test'], ['Content-Length', '5'], ['X-A', '1']] as [string, string][], body: Buffer.from('hello') };
const response = { status: 200, reason: 'OK', headers: [['Transfer-Encoding', 'chunked'], ['Content-Type', 'text/plain']] as [string, string][], body: Buffer.from('done') };

describe('breakpoint edits', () => {
  it('Content-Length says the body, in place and in its spelling; Transfer-Encoding goes', () => {
    expect(withLength([['a', '1'], ['content-length', '9'], ['Transfer-Encoding', 'chunked'], ['Content-Length', '9']], 3)).toEqual([['a', '1'], ['content-length', '3']]);
    expect(withLength([['a', '1']], 0)).toEqual([['a', '1'], ['Content-Length', '0']]);
    expect(withLength([['Content-Length', '2']], null)).toEqual([]);
  });

  it('a request edit: the body sets the length, the Host header follows a new host', () => {
    const r = requestEdit(request, { url: 'http://other.test:8080/v2', body: 'a longer body' });
    expect(r).toEqual({
      ok: true,
      edit: { method: 'POST', url: 'http://other.test:8080/v2', headers: [['Host', 'other.test:8080'], ['Content-Length', '13'], ['X-A', '1']], body: Buffer.from('a longer body') },
    });
    // A Host the user set themselves stays theirs.
    const own = requestEdit(request, { url: 'http://other.test/', headers: [['Host', 'mine.test']] });
    expect(own.ok && own.edit?.headers).toEqual([['Host', 'mine.test'], ['Content-Length', '5']]);
  });

  it('the same values are no edit; the scheme cannot change; a bodiless GET gets no length', () => {
    expect(requestEdit(request, { method: 'POST', url: request.url, headers: request.headers, body: 'hello' })).toEqual({ ok: true, edit: null });
    expect(requestEdit(request, { url: 'https://api.test/' })).toEqual({ ok: false, error: "request.url: must stay http:// (the client's connection decides it)" });
    const get = { method: 'GET', url: 'http://a.test/', headers: [['Host', 'a.test']] as [string, string][], body: Buffer.alloc(0) };
    const r = requestEdit(get, { headers: [['Host', 'a.test'], ['X-B', '2']] });
    expect(r.ok && r.edit?.headers).toEqual([['Host', 'a.test'], ['X-B', '2']]);
  });

  it('a response edit: the standard reason for a new status, the length for the body, none for a 204 or a HEAD', () => {
    expect(responseEdit(response, { status: 418 }, false)).toEqual({
      ok: true,
      edit: { status: 418, reason: "I'm a Teapot", headers: [['Content-Type', 'text/plain'], ['Content-Length', '4']], body: Buffer.from('done') },
    });
    expect(responseEdit(response, { status: 204 }, false)).toMatchObject({ ok: true, edit: { headers: [['Content-Type', 'text/plain']], body: Buffer.alloc(0) } });
    expect(responseEdit(response, { body: 'other' }, true)).toMatchObject({ ok: true, edit: { headers: response.headers, body: Buffer.alloc(0) } });
    expect(responseEdit(response, { status: 200, headers: response.headers, body: 'done' }, false)).toEqual({ ok: true, edit: null });
  });

  it("the user's answer carries its length", () => {
    expect(answerOf(201, [['X-A', '1']], Buffer.from('made'), false)).toEqual({ status: 201, reason: 'Created', headers: [['X-A', '1'], ['Content-Length', '4']], body: Buffer.from('made') });
  });
});
