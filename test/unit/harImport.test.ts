// HAR 1.2 import: our export read back (what HAR carries comes back, the
// lossy parts by the module's rules), a browser-shaped HAR, refused inputs.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toHar } from '../../electron/core/har/export.js';
import { HAR_DECODED_META, harEntriesToStates, harEntryToState } from '../../electron/core/har/import.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { fromState, toState, type ExchangeState } from '../../electron/core/flow/state.js';
import { body, exchange } from '../support/exchanges.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Exchanges → states → HAR text (as a file would hold it) → imported states, each checked by fromState. */
function roundTrip(...exchanges: Exchange[]): ExchangeState[] {
  const har = JSON.parse(JSON.stringify(toHar(exchanges.map((ex) => toState(ex)))));
  const result = harEntriesToStates(har);
  if (!result.ok) throw new Error(result.error);
  for (const s of result.states) expect(() => fromState(s)).not.toThrow();
  return result.states;
}

function only(ex: Exchange): { before: ExchangeState; after: ExchangeState } {
  const [after] = roundTrip(ex);
  return { before: toState(ex), after: after! };
}

/** What HAR carries of a state, timings as offsets from the start. */
function carried(s: ExchangeState) {
  const t = s.timings;
  return {
    request: s.request,
    response: s.response,
    error: s.error,
    responseAfter: t.responseStartedAt === null ? null : t.responseStartedAt - t.startedAt,
    endedAfter: t.endedAt === null ? null : t.endedAt - t.startedAt,
  };
}

describe('HAR import: our export read back', () => {
  it('keeps method, URL, version, headers (case, order, repeats), status, reason, text bodies and timing offsets', () => {
    const { before, after } = only(
      exchange({
        method: 'PATCH',
        url: 'https://api.example.test:8443/items/7?x=1&x=2',
        reqHeaders: [['Host', 'api.example.test:8443'], ['X-Trace', 'a'], ['x-trace', 'b'], ['Content-Type', 'application/json']],
        reqBody: body('{"name":"é"}'),
        status: 201,
        reason: 'Made It',
        resHeaders: [['Set-Cookie', 'a=1'], ['Content-Type', 'text/plain'], ['set-cookie', 'b=2']],
        resBody: body('créé'),
      }),
    );
    expect(carried(after)).toEqual(carried(before));
    expect(after.request.httpVersion).toBe('1.1');
    // HAR keeps milliseconds: the start comes back cut to them, offsets from it exactly.
    expect(after.timings.startedAt).toBe(Math.trunc(before.timings.startedAt));
    expect(after.timings.startedAt).not.toBe(before.timings.startedAt);
  });

  it('keeps binary bodies (base64 in HAR) both ways, and a body cut at the cap stays truncated', () => {
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80]);
    const bin = only(exchange({ reqBody: body(Buffer.from([0x00, 0xfe])), resBody: body(binary) }));
    expect(carried(bin.after)).toEqual(carried(bin.before));
    expect(Buffer.from(bin.after.response!.body.base64, 'base64')).toEqual(binary);

    const cut = only(exchange({ reqBody: body('abcdefgh', 3), resBody: body('0123456789', 4) }));
    expect(cut.after.response!.body).toEqual({ base64: Buffer.from('0123').toString('base64'), size: 10, truncated: true });
    expect(cut.after.request.body).toEqual({ base64: Buffer.from('abc').toString('base64'), size: 8, truncated: true });
  });

  it('keeps failures: without a response (HAR status 0) and after the headers', () => {
    const none = only(exchange({ status: null, responseStartedAt: null, error: 'connect ECONNREFUSED 127.0.0.1:9' }));
    expect(none.after.response).toBeNull();
    expect(carried(none.after)).toEqual(carried(none.before));
    const late = only(exchange({ resBody: body('par'), error: 'socket hang up' }));
    expect(carried(late.after)).toEqual(carried(late.before));
    expect(late.after.response?.status).toBe(200);
  });

  it('is lossy by design: new ids that sort by start time, origin import, compressed bodies decoded, pending comes back ended', () => {
    const text = 'hello '.repeat(100);
    const wire = gzipSync(text);
    const [gz, pending, later] = roundTrip(
      exchange({ id: 'kept-id', resHeaders: [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip'], ['Content-Length', String(wire.length)]], resBody: body(wire) }),
      exchange({ startedAt: 1_700_000_000_000, responseStartedAt: null, endedAt: null, status: null }),
      exchange({ startedAt: 1_800_000_000_000, responseStartedAt: 1_800_000_000_010, endedAt: 1_800_000_000_020 }),
    );
    for (const s of [gz!, pending!, later!]) {
      expect(s.origin).toBe('import');
      expect(s.id).toMatch(UUID_V7);
    }
    expect(gz!.id).not.toBe('kept-id');
    expect(new Set([gz!.id, pending!.id, later!.id]).size).toBe(3);
    expect(pending!.id < later!.id).toBe(true);
    // The body as HAR gives it, decoded; the header that would decode it again is gone, and named in meta.
    expect(gz!.response!.body).toEqual({ base64: Buffer.from(text).toString('base64'), size: text.length, truncated: false });
    expect(gz!.response!.headers).toEqual([['Content-Type', 'text/plain'], ['Content-Length', String(wire.length)]]);
    expect(gz!.meta).toEqual({ [HAR_DECODED_META]: 'gzip' });
    // HAR has no pending entries: one exported while pending is ended at its start (and failed, having no response).
    expect(pending!.timings).toEqual({ startedAt: 1_700_000_000_000, responseStartedAt: null, endedAt: 1_700_000_000_000 });
    expect(pending!.error).toBe('no response');
  });
});

/** A HAR shaped like a browser's export (Chrome's fields, a Firefox date), built here. */
function browserHar() {
  const page = { startedDateTime: '2024-03-01T09:00:00.000Z', id: 'page_1', title: 'https://shop.example.test/', pageTimings: { onContentLoad: 120.5, onLoad: 300.2 } };
  const common = { cookies: [], queryString: [], headersSize: -1, cache: {}, pageref: 'page_1', _resourceType: 'document', serverIPAddress: '203.0.113.5', connection: '443' };
  const timings = { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.3, wait: 40.5, receive: 8, _blocked_queueing: 0.8 };
  const entry = (over: Record<string, unknown>) => ({
    ...common,
    startedDateTime: '2024-03-01T09:00:00.100Z',
    time: 50,
    request: { method: 'GET', url: 'https://shop.example.test/', httpVersion: 'http/2.0', headers: [{ name: ':authority', value: 'shop.example.test' }, { name: 'accept', value: 'text/html' }], cookies: [{ name: 'sid', value: 'x' }], queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: '', httpVersion: 'http/2.0', headers: [{ name: 'content-type', value: 'text/html' }, { name: 'content-encoding', value: 'br' }], cookies: [], content: { size: 11, mimeType: 'text/html', text: '<p>hi</p>\n', compression: -20 }, redirectURL: '', headersSize: -1, bodySize: 31, _transferSize: 120, _error: null },
    timings,
    ...over,
  });
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [page],
      entries: [
        entry({}),
        entry({
          startedDateTime: '2024-03-01T10:00:00.250+01:00',
          response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'image/png' }], cookies: [], content: { size: 5120, mimeType: 'image/png' }, redirectURL: '', headersSize: 80, bodySize: 5120 },
        }),
        entry({
          request: { method: 'POST', url: 'https://api.example.test/log', httpVersion: 'HTTP/1.1', headers: [], cookies: [], queryString: [], headersSize: -1, bodySize: 7, postData: { mimeType: 'application/json', text: '{"a":1}', params: [] } },
          response: { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1, _error: 'net::ERR_CONNECTION_REFUSED' },
          timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
          time: 3.5,
        }),
      ],
    },
  };
}

describe('HAR import: a browser’s HAR', () => {
  it('imports pages, cookies, cache, -1 timings, content without text and failed requests', () => {
    const result = harEntriesToStates(browserHar());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [doc, image, failed] = result.states;
    for (const s of result.states) expect(() => fromState(s)).not.toThrow();

    expect(doc!.request).toMatchObject({ method: 'GET', url: 'https://shop.example.test/', httpVersion: '2.0' });
    expect(doc!.request.headers).toEqual([[':authority', 'shop.example.test'], ['accept', 'text/html']]);
    expect(doc!.response).toMatchObject({ status: 200, reason: '', headers: [['content-type', 'text/html']] });
    expect(Buffer.from(doc!.response!.body.base64, 'base64').toString()).toBe('<p>hi</p>\n');
    expect(doc!.meta).toEqual({ [HAR_DECODED_META]: 'br' });
    expect(doc!.error).toBeNull();
    const start = Date.parse('2024-03-01T09:00:00.100Z');
    // -1 phases count nothing: blocked + send + wait before the response.
    expect(doc!.timings).toEqual({ startedAt: start, responseStartedAt: start + 1.2 + 0.3 + 40.5, endedAt: start + 50 });

    // No text: no bytes, the size HAR gives, so the body reads as not kept.
    expect(image!.timings.startedAt).toBe(Date.parse('2024-03-01T09:00:00.250Z'));
    expect(image!.response!.body).toEqual({ base64: '', size: 5120, truncated: true });
    expect(image!.meta).toEqual({});

    expect(failed!.response).toBeNull();
    expect(failed!.error).toBe('net::ERR_CONNECTION_REFUSED');
    expect(failed!.request.body).toEqual({ base64: Buffer.from('{"a":1}').toString('base64'), size: 7, truncated: false });
    expect(failed!.timings.responseStartedAt).toBeNull();
    expect(failed!.timings.endedAt! - failed!.timings.startedAt).toBe(3.5);
  });

  it('an empty log imports as no states', () => {
    expect(harEntriesToStates({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [] } })).toEqual({ ok: true, states: [] });
  });
});

describe('HAR import: what is refused', () => {
  const good = () => browserHar().log.entries[0]! as Record<string, any>;
  /** A document whose second entry is the good one changed by `change`. */
  const withSecond = (change: (e: Record<string, any>) => void) => {
    const bad = good();
    change(bad);
    return { log: { version: '1.2', entries: [good(), bad] } };
  };

  it.each<[string, unknown, string]>([
    ['not an object', 'log', 'HAR: expected an object'],
    ['null', null, 'HAR: expected an object'],
    ['no log', { entries: [] }, 'log: missing (expected an object)'],
    ['no entries', { log: { version: '1.2' } }, 'log.entries: missing (expected an array)'],
    ['entries not a list', { log: { entries: {} } }, 'log.entries: expected an array'],
    ['an entry not an object', { log: { entries: [good(), 7] } }, 'entries[1]: expected an object'],
    ['an entry without request', withSecond((e) => delete e.request), 'entries[1].request: missing (expected an object)'],
    ['a URL not a string', withSecond((e) => (e.request.url = 42)), 'entries[1].request.url: expected a string'],
    ['a relative URL', withSecond((e) => (e.request.url = '/path')), 'entries[1].request.url: expected an absolute URL'],
    ['a header value not a string', withSecond((e) => (e.request.headers[1].value = 3)), 'entries[1].request.headers[1].value: expected a string'],
    ['a status as text', withSecond((e) => (e.response.status = '200')), 'entries[1].response.status: expected a number'],
    ['a status out of range', withSecond((e) => (e.response.status = 42)), 'entries[1].response.status: expected 0 (no response) or an HTTP status'],
    ['a content encoding other than base64', withSecond((e) => (e.response.content.encoding = 'gzip')), 'entries[1].response.content.encoding: expected "base64" or no encoding'],
    ['content said base64 that is not', withSecond((e) => Object.assign(e.response.content, { encoding: 'base64', text: 'not base64!' })), 'entries[1].response.content.text: not base64'],
    ['postData said base64 that is not', withSecond((e) => (e.request.postData = { mimeType: '', text: '%%', encoding: 'base64' })), 'entries[1].request.postData.text: not base64'],
    ['startedDateTime not a date', withSecond((e) => (e.startedDateTime = 'yesterday')), 'entries[1].startedDateTime: expected an ISO 8601 date'],
    ['startedDateTime without a zone', withSecond((e) => (e.startedDateTime = '2024-03-01T09:00:00.100')), 'entries[1].startedDateTime: expected an ISO 8601 date'],
    ['a negative time', withSecond((e) => (e.time = -1)), 'entries[1].time: Too small'],
    ['a size not a whole number', withSecond((e) => (e.response.bodySize = 1.5)), 'entries[1].response.bodySize: expected an int'],
  ])('%s', (_, har, message) => {
    const result = harEntriesToStates(har);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('states');
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('one entry alone names its index, as a streaming reader would call it', () => {
    const entry = good();
    entry.response.statusText = null;
    expect(harEntryToState(entry, 41)).toEqual({ ok: false, error: 'entries[41].response.statusText: expected a string, received null' });
    const ok = harEntryToState(good(), 41);
    expect(ok.ok && ok.state.origin).toBe('import');
  });
});
