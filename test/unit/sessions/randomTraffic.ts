// Seeded random exchanges and random filters over them, for the agreement test
// (SQL vs the in-memory matcher). Filter values are mostly cut from the
// generated data, in random case, so that filters match some exchanges and not
// others. Text avoids U+0130 and U+212A, the two characters JS lower-cases to
// ASCII, which SQLite's LIKE does not fold (filterSql.ts says why).
import { gzipSync } from 'node:zlib';
import type { HeaderPair } from '../../../electron/core/api.js';
import type { FilterTarget } from '../../../electron/core/filter/target.js';
import type { Exchange } from '../../../electron/core/flow/exchange.js';
import { body, exchange } from '../../support/exchanges.js';

export type Rng = () => number;

/** mulberry32: small, seeded, good enough to pick from lists. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rng, p: number): boolean => r() < p;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Some letters up, some down. */
function recase(r: Rng, s: string): string {
  const mode = r();
  if (mode < 0.4) return s;
  if (mode < 0.6) return s.toUpperCase();
  if (mode < 0.7) return s.toLowerCase();
  return [...s].map((c) => (chance(r, 0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}

const METHODS = ['GET', 'GET', 'POST', 'put', 'Delete', 'PATCH', 'HEAD', 'OPTIONS'];
const AUTHORITIES = ['api.example.com', 'API.Example.com:8443', 'cdn.test', '127.0.0.1:9', '[::1]:8080', 'www.shop.io', 'api-v2.internal', 'bücher.example', 'under_score.test'];
const PATHS = ['', '/', '/v1/users', '/V1/Users/42', '/health', '/a%20b', '/search_results', '/100%', '/Ünïcode/päth', '/api/items.json', '/ΣΟΦΙΑ'];
const QUERIES = ['', '', '?id=42', '?q=hello%20world&lang=EN', '?a=1&b=2', '?x=_%', '?café=crème', '?'];
const STATUSES = [200, 200, 201, 204, 301, 304, 400, 404, 418, 500, 503];
const TYPES = ['application/json', 'application/json; charset=utf-8', 'text/html; charset=utf-8', 'TEXT/PLAIN', 'application/javascript', 'text/ecmascript', 'image/png', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null];
const WORDS = ['hello', 'World', 'error', 'ERROR', 'user', 'token', '100%', 'snake_case', 'naïve', 'Straße', 'ΣΊΣΥΦΟΣ', 'émoji 🎉', 'tab\there', 'line\nbreak', 'quote"d', 'back\\slash', 'abc', 'xyz'];
const DURATIONS = [0, 0.5, 12, 250.5, 999, 1000, 1500, 60_000, 90_000];
const ORIGINS: Array<Exchange['origin']> = ['proxy', 'proxy', 'proxy', 'replay', 'import', 'collected'];
const DELIVERY = [undefined, undefined, 'queued', 'sent', 'retrying', 'failed', 'bogus'];
const EXTRA_HEADERS: HeaderPair[] = [
  ['X-Request-Id', 'abc-123'],
  ['x-request-id', 'DEF-456'],
  ['Accept', 'application/json'],
  ['ACCEPT', 'text/*'],
  ['Authorization', 'Bearer tok_en'],
  ['Cookie', 'sid=1; theme=dark'],
  ['X-Note', 'café crème'],
  ['X-Percent', '50% off_now'],
  ['X-Empty', ''],
];

function text(r: Rng): string {
  return Array.from({ length: int(r, 0, 8) }, () => pick(r, WORDS)).join(pick(r, [' ', ',', '', '\n']));
}

type BodyKind = 'text' | 'json' | 'gzip' | 'badgzip' | 'zstd' | 'binary' | 'empty';

function bodyOf(r: Rng, kind: BodyKind): { bytes: Buffer; encoding?: string } {
  switch (kind) {
    case 'text':
      return { bytes: Buffer.from(text(r)) };
    case 'json':
      return { bytes: Buffer.from(JSON.stringify({ msg: text(r), n: int(r, 0, 999), ok: chance(r, 0.5) })) };
    case 'gzip':
      return { bytes: gzipSync(text(r)), encoding: pick(r, ['gzip', 'GZIP', 'x-gzip']) };
    case 'badgzip':
      return { bytes: Buffer.from('not gzip at all'), encoding: 'gzip' };
    case 'zstd':
      return { bytes: Buffer.from('hello zstd'), encoding: 'zstd' };
    case 'binary':
      return { bytes: Buffer.from(Array.from({ length: int(r, 1, 64) }, () => int(r, 0, 255))) };
    case 'empty':
      return { bytes: Buffer.alloc(0) };
  }
}

const BODY_KINDS: BodyKind[] = ['text', 'text', 'json', 'gzip', 'badgzip', 'zstd', 'binary', 'empty'];

export function randomExchange(r: Rng, i: number): Exchange {
  const authority = pick(r, AUTHORITIES);
  const url = `${pick(r, ['http', 'https', 'HTTPS'])}://${authority}${pick(r, PATHS)}${pick(r, QUERIES)}${chance(r, 0.1) ? '#frag' : ''}`;
  const req = bodyOf(r, pick(r, BODY_KINDS));
  const res = bodyOf(r, pick(r, BODY_KINDS));
  const reqHeaders: HeaderPair[] = [['Host', authority]];
  const resHeaders: HeaderPair[] = [];
  for (let k = int(r, 0, 4); k > 0; k--) reqHeaders.push(pick(r, EXTRA_HEADERS));
  for (let k = int(r, 0, 3); k > 0; k--) resHeaders.push(pick(r, EXTRA_HEADERS));
  if (req.encoding) reqHeaders.push(['Content-Encoding', req.encoding]);
  if (res.encoding) resHeaders.push([pick(r, ['Content-Encoding', 'content-encoding']), res.encoding]);
  const type = pick(r, TYPES);
  if (type !== null) resHeaders.push([pick(r, ['Content-Type', 'content-type']), type]);
  if (chance(r, 0.3)) resHeaders.push(['Set-Cookie', 'a=1'], ['set-cookie', 'B=2; Path=/']);
  if (chance(r, 0.2)) reqHeaders.push(['Content-Type', pick(r, ['application/json', 'text/plain'])]);
  // ended, or pending with or without a response, or failed with or without one.
  const fate = pick(r, ['ended', 'ended', 'ended', 'ended', 'pending', 'failed']);
  const startedAt = 1_700_000_000_000 + i * 1000 + int(r, 0, 999) / 4;
  const hasResponse = fate === 'ended' || chance(r, 0.5);
  const cap = chance(r, 0.15) ? int(r, 0, 8) : 1024 * 1024; // sometimes truncated
  const meta: Exchange['meta'] = {};
  const delivery = pick(r, DELIVERY);
  if (delivery !== undefined) meta.delivery = delivery;
  const origin = pick(r, ORIGINS);
  if (chance(r, 0.2)) meta.pinned = true;
  if (chance(r, 0.2)) meta.client = 'browser';
  const ex = exchange({
    // Some ids in mixed case (a collector's sender picks them): `id=` compares them as written.
    id: chance(r, 0.2) ? `Ex-${i}` : `ex-${i}`,
    method: pick(r, METHODS),
    url,
    reqHeaders,
    reqBody: body(req.bytes, cap),
    status: hasResponse ? pick(r, STATUSES) : null,
    resHeaders,
    resBody: body(res.bytes, cap),
    error: fate === 'failed' ? pick(r, ['ECONNRESET', 'socket hang up']) : null,
    startedAt,
    responseStartedAt: hasResponse ? startedAt + 1 : null,
    endedAt: fate === 'pending' ? null : startedAt + pick(r, DURATIONS),
    meta,
  });
  return { ...ex, origin };
}

/** What filter values are cut from: the texts of the generated exchanges. */
export interface Corpus {
  texts: Record<'method' | 'url' | 'host' | 'path' | 'query' | 'type' | 'body' | 'headerName' | 'headerValue' | 'headerLine', string[]>;
}

export function corpusOf(targets: readonly FilterTarget[]): Corpus {
  const texts: Corpus['texts'] = { method: [], url: [], host: [], path: [], query: [], type: [], body: [], headerName: [], headerValue: [], headerLine: [] };
  for (const t of targets) {
    texts.method.push(t.method);
    texts.url.push(t.url);
    texts.host.push(t.host);
    texts.path.push(t.path);
    texts.query.push(t.query);
    if (t.contentType !== null) texts.type.push(t.contentType);
    for (const b of [t.requestBody, t.responseBody]) if (b) texts.body.push(b);
    for (const [n, v] of [...t.requestHeaders, ...t.responseHeaders]) {
      texts.headerName.push(n);
      texts.headerValue.push(v);
      texts.headerLine.push(`${n}: ${v}`);
    }
  }
  return { texts };
}

/** A piece of a text: whole, a prefix, a suffix or a middle, in random case. */
function cut(r: Rng, s: string): string {
  const chars = [...s];
  const kind = r();
  if (kind < 0.2 || chars.length < 2) return recase(r, s);
  const len = int(r, 1, Math.min(8, chars.length));
  const from = kind < 0.45 ? 0 : kind < 0.7 ? chars.length - len : int(r, 0, chars.length - len);
  return recase(r, chars.slice(from, from + len).join(''));
}

const REGEXES = ['^get$', 'api\\.', '(json|html)', '\\d{3}', '.', '^$', '[a-z]+_[a-z]', 'é', 'Σ', '^/v1/', 'users?', 'hello.*world', 'ß', '\\bERROR\\b', '^x-request-id: ', 'set-cookie: b=', '.+', 'line.break', 'ς'];
const PORT_VALUES = ['80', '443', '8443', '9', '8080', '0'];
const STATUS_VALUES = ['200', '404', '4xx', '5XX', '20x', '2xx', '418', '0', '999'];
const SIZE_VALUES = ['0', '1', '8', '10b', '1k', '1.5kb', '0.01k', '64', '1m', '1gb', '.5k'];
const DURATION_VALUES = ['0', '1', '12', '250.5', '1s', '1.5s', '1m', '999ms', '0.001s', '60000', '2m'];

/** The value as written: bare when it lexes as one word, else quoted. */
function written(r: Rng, v: string): string {
  if (/^[A-Za-z0-9._/:%-][A-Za-z0-9._/:=%*^$-]*$/.test(v) && !/^(and|or|not)$/i.test(v) && chance(r, 0.6)) return v;
  return quoted(r, v);
}

function quoted(r: Rng, v: string): string {
  const q = chance(r, 0.8) ? '"' : "'";
  return q + v.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
}

const textOp = (r: Rng) => pick(r, ['=', '!=', '*=', '*=', '^=', '$=', '~=', '==']);

function valueFor(r: Rng, c: Corpus, source: keyof Corpus['texts'], op: string): string {
  if (op === '~=') return pick(r, REGEXES);
  const pool = c.texts[source];
  return chance(r, 0.85) && pool.length > 0 ? cut(r, pick(r, pool)) : pick(r, ['zzz', '%', '_', 'a_b', '100%', 'É', 'ÉCOLE', 'straße', 'STRASSE', '"', ' ']);
}

function term(r: Rng, c: Corpus): string {
  const kind = r();
  if (kind < 0.1) {
    const v = valueFor(r, c, pick(r, ['url', 'method', 'headerValue'] as const), '*=');
    return /^[A-Za-z0-9./]+$/.test(v) && !/^(and|or|not)$/i.test(v) && chance(r, 0.5) ? v : quoted(r, v);
  }
  if (kind < 0.45) {
    const field = pick(r, ['method', 'url', 'host', 'path', 'query', 'protocol', 'type', 'body', 'reqbody', 'resbody'] as const);
    const op = textOp(r);
    const source = field === 'protocol' ? 'url' : field === 'reqbody' || field === 'resbody' ? 'body' : field;
    const v = field === 'protocol' && op !== '~=' ? pick(r, ['http', 'HTTPS', 'ht', 'ps']) : field === 'type' && chance(r, 0.3) ? pick(r, ['json', 'js', 'form', 'html']) : valueFor(r, c, source, op);
    return `${recase(r, field)}${op}${written(r, v)}`;
  }
  if (kind < 0.5) return `delivery${pick(r, ['=', '!=', '=='])}${recase(r, pick(r, ['queued', 'sent', 'retrying', 'failed', 'none']))}`;
  if (kind < 0.68) {
    const field = pick(r, ['status', 'status', 'size', 'reqsize', 'duration', 'port']);
    const op = pick(r, ['=', '!=', '>', '>=', '<', '<=']);
    const values = field === 'status' ? STATUS_VALUES : field === 'duration' ? DURATION_VALUES : field === 'port' ? PORT_VALUES : SIZE_VALUES;
    return `${recase(r, field)}${op}${pick(r, values)}`;
  }
  if (kind < 0.85) {
    const field = recase(r, pick(r, ['header', 'reqheader', 'resheader']));
    const named = chance(r, 0.75);
    const name = named ? `[${recase(r, pick(r, [...c.texts.headerName, 'content-type', 'x-missing']))}]` : '';
    if (named && chance(r, 0.35)) return `${field}${name}`;
    const op = textOp(r);
    return `${field}${name}${op}${written(r, valueFor(r, c, named ? 'headerValue' : 'headerLine', op))}`;
  }
  if (kind < 0.87) return `${pick(r, ['is:', 'IS:', 'is:'])}${recase(r, pick(r, ['error', 'pending', 'response', 'replay', 'imported', 'collected', 'pinned', 'browser', 'ws']))}`;
  if (kind < 0.9) return `id${pick(r, ['=', '=', '^=', '*='])}${pick(r, ['ex-3', 'Ex-3', 'ex-17', 'EX-1', 'x-2', 'Ex-'])}`;
  const code = pick(r, ['m', 'u', 'd', 'c', 'h', 'hq', 'hs', 'b', 'bq', 'bs', 't', 'tq', 'ts', 'e', 's', 'q']);
  if (['e', 's', 'q'].includes(code)) return `~${code}`;
  if (code === 'c') return `~c ${pick(r, ['200', '404', '500', '204'])}`;
  return `~${code} ${written(r, pick(r, REGEXES))}`;
}

export function randomFilter(r: Rng, c: Corpus, depth = 0): string {
  const k = r();
  if (depth > 3 || k < 0.4) return term(r, c);
  if (k < 0.55) return `${pick(r, ['not ', '!', '-', 'NOT '])}${randomFilter(r, c, depth + 1)}`;
  if (k < 0.65) return `(${randomFilter(r, c, depth + 1)})`;
  const items = Array.from({ length: int(r, 2, 3) }, () => randomFilter(r, c, depth + 1));
  const joiner = k < 0.82 ? pick(r, [' and ', ' AND ', ' & ', ' && ', ' ']) : pick(r, [' or ', ' OR ', ' | ', ' || ']);
  return items.map((s) => (chance(r, 0.5) ? `(${s})` : s)).join(joiner);
}
