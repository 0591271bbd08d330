// Redaction: header values, query parameters and JSON fields replaced by
// `[redacted]`, applied to an exchange's plain state (ExchangeState) before a
// copy of it is durable anywhere. Credentials are one such redaction, on by
// default for what is forwarded.
import type { HeaderPair } from '../api.js';
import { decodeContent } from '../flow/contentEncoding.js';
import type { BodyState, ExchangeState, UpstreamState } from '../flow/state.js';

export const REDACTED = '[redacted]';

/** Headers that carry credentials: redacted in what is forwarded unless the user turns it off. */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const;

export interface RedactionSpec {
  /** Header names, any case. */
  headers: readonly string[];
  /** Query parameter names, as written. */
  query: readonly string[];
  /** JSON field names (anywhere in the body) or `$.a.b` paths from the root. */
  json: readonly string[];
}

export function redactHeaders(pairs: readonly HeaderPair[], names: ReadonlySet<string>): HeaderPair[] {
  return pairs.map(([n, v]) => (names.has(n.toLowerCase()) ? [n, REDACTED] : [n, v]));
}

/** The URL with the values of the named query parameters replaced (the rest of it as written). */
export function redactQuery(url: string, names: ReadonlySet<string>): string {
  const q = url.indexOf('?');
  if (q < 0 || names.size === 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const parts = url.slice(q + 1, end).split('&').map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      /* as written */
    }
    return names.has(name) ? `${rawName}=${encodeURIComponent(REDACTED)}` : part;
  });
  return `${url.slice(0, q + 1)}${parts.join('&')}${url.slice(end)}`;
}

function redactParsed(value: unknown, keys: ReadonlySet<string>, paths: ReadonlyArray<readonly string[]>, at: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => redactParsed(v, keys, paths, at));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const here = [...at, k];
    const hit = keys.has(k) || paths.some((p) => p.length === here.length && p.every((s, i) => s === here[i]));
    out[k] = hit ? REDACTED : redactParsed(v, keys, paths, here);
  }
  return out;
}

/** For text that does not parse (a truncated body): `"key": value` pairs by pattern, so a cut-off body leaks no named field. */
function redactByPattern(text: string, keys: ReadonlySet<string>): string {
  let out = text;
  for (const key of keys) {
    const k = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(${k}\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|[^,}\\]\\s]+)`, 'g'), `$1${JSON.stringify(REDACTED)}`);
  }
  return out;
}

/** The JSON text with the named fields redacted; null when the body holds no JSON to redact. */
export function redactJsonText(text: string, fields: readonly string[]): string | null {
  const keys = new Set(fields.filter((f) => !f.startsWith('$.')));
  const paths = fields.filter((f) => f.startsWith('$.')).map((f) => f.slice(2).split('.'));
  try {
    return JSON.stringify(redactParsed(JSON.parse(text), keys, paths, []));
  } catch {
    // Paths need the whole document; a field name can be found by pattern, the last segment of a path too.
    const names = new Set([...keys, ...paths.map((p) => p[p.length - 1]!)]);
    const out = redactByPattern(text, names);
    return out === text ? null : out;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function headerOf(pairs: readonly HeaderPair[], name: string): string | undefined {
  return pairs.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** A body whose (decoded) text is JSON with redacted fields: stored decoded, so its Content-Encoding goes. */
function redactBody(body: BodyState, headers: HeaderPair[], fields: readonly string[]): { body: BodyState; headers: HeaderPair[] } {
  if (fields.length === 0 || body.base64 === '') return { body, headers };
  const raw = Buffer.from(body.base64, 'base64');
  const decoded = decodeContent(raw, headerOf(headers, 'content-encoding'), body.truncated);
  if (decoded === null) return { body, headers };
  const text = redactJsonText(utf8.decode(decoded), fields);
  if (text === null) return { body, headers };
  const bytes = Buffer.from(text);
  return {
    body: { base64: bytes.toString('base64'), size: bytes.length, truncated: false },
    headers: headers.filter(([n]) => n.toLowerCase() !== 'content-encoding'),
  };
}

/** A rewritten exchange's upstream side, redacted like the client's: a body null (the client's bytes) stays null. */
function redactUpstream(up: UpstreamState, headerNames: ReadonlySet<string>, query: ReadonlySet<string>, fields: readonly string[]): UpstreamState {
  const side = <T extends { headers: HeaderPair[]; body: BodyState | null }>(part: T): T => {
    const headers = redactHeaders(part.headers, headerNames);
    if (part.body === null) return { ...part, headers };
    return { ...part, ...redactBody(part.body, headers, fields) };
  };
  return {
    ...up,
    request: up.request && { ...side(up.request), url: redactQuery(up.request.url, query) },
    response: up.response && side(up.response),
  };
}

/** The state with the spec's values redacted on both sides, and on the upstream's side of a rewrite. */
export function redactState(state: ExchangeState, spec: RedactionSpec): ExchangeState {
  const headerNames = new Set(spec.headers.map((h) => h.toLowerCase()));
  const query = new Set(spec.query);
  const req = redactBody(state.request.body, redactHeaders(state.request.headers, headerNames), spec.json);
  const res = state.response && redactBody(state.response.body, redactHeaders(state.response.headers, headerNames), spec.json);
  return {
    ...state,
    request: { ...state.request, url: redactQuery(state.request.url, query), headers: req.headers, body: req.body },
    response: state.response && res && { ...state.response, headers: res.headers, body: res.body },
    upstream: state.upstream ? redactUpstream(state.upstream, headerNames, query, spec.json) : null,
  };
}

export const credentialsSpec: RedactionSpec = { headers: CREDENTIAL_HEADERS, query: [], json: [] };
