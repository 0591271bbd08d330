// What a rewrite does to heads and bodies, as plain functions over raw headers
// ([name, value, …] as Node gives them) and bytes. rewriteExchange.ts applies
// them where the proxy carries an exchange.
import { STATUS_CODES } from 'node:http';
import { decodeContent } from '../flow/contentEncoding.js';
import type { Rewrite } from '../pipeline/addon.js';

export type Side = 'request' | 'response';

/** Where the request goes upstream: `host` as the Host header and URL write it, `hostname` as a socket dials it. */
export interface Destination {
  https: boolean;
  hostname: string;
  port: number;
  host: string;
  /** Path and query, as sent on the request line. */
  path: string;
}

/**
 * The destination once `to` maps a request for `path`: the scheme, host and
 * port of `to`; its path when it gives one other than `/`, its query when it
 * gives one, else the request's own, as the client sent them.
 */
export function mapDestination(path: string, to: string): Destination {
  const u = new URL(to);
  const https = u.protocol === 'https:';
  const q = path.indexOf('?');
  const ownPath = q < 0 ? path : path.slice(0, q);
  const ownQuery = q < 0 ? '' : path.slice(q);
  return {
    https,
    hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
    port: u.port ? Number(u.port) : https ? 443 : 80,
    host: u.host,
    path: (u.pathname !== '/' ? u.pathname : ownPath) + (u.search !== '' ? u.search : ownQuery),
  };
}

export const urlOf = (d: Destination): string => [d.https ? 'https' : 'http', '://', d.host, d.path].join('');

export function headerOf(raw: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === lower) return raw[i + 1];
  return undefined;
}

/** `raw` without the headers named (any case). */
export function withoutHeaders(raw: readonly string[], names: Iterable<string>): string[] {
  const drop = new Set([...names].map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!drop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

/** `raw` with `name` set: the first of that name keeps its place and spelling and takes the value, repeats go; a new one goes last. */
export function setHeader(raw: readonly string[], name: string, value: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  let set = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== lower) out.push(raw[i]!, raw[i + 1]!);
    else if (!set) {
      out.push(raw[i]!, value);
      set = true;
    }
  }
  if (!set) out.push(name, value);
  return out;
}

/** One rule's edits to one side: its removals, then the values it sets. */
function editHeaders(raw: readonly string[], set: Readonly<Record<string, string>> | undefined, remove: readonly string[] | undefined): string[] {
  let out = remove?.length ? withoutHeaders(raw, remove) : [...raw];
  for (const [name, value] of Object.entries(set ?? {})) out = setHeader(out, name, value);
  return out;
}

export function editRequestHeaders(raw: readonly string[], rewrites: readonly Rewrite[]): string[] {
  return rewrites.reduce<string[]>((h, r) => editHeaders(h, r.setRequestHeaders, r.removeRequestHeaders), [...raw]);
}

export interface ResponseHead {
  status: number;
  reason: string;
  /** Raw: name, value, … */
  headers: string[];
}

/** The response head the client gets: each rule's status (with its standard reason) and header edits, in order. */
export function editResponseHead(head: ResponseHead, rewrites: readonly Rewrite[]): ResponseHead {
  let { status, reason, headers } = head;
  for (const r of rewrites) {
    if (r.status !== undefined && r.status !== status) {
      status = r.status;
      reason = STATUS_CODES[status] ?? '';
    }
    headers = editHeaders(headers, r.setResponseHeaders, r.removeResponseHeaders);
  }
  return { status, reason, headers };
}

/** The first rule that rewrites this side's body: the one named when that cannot be done. */
export const bodyRule = (rewrites: readonly Rewrite[], side: Side): string | null => rewrites.find((r) => r.replaceBody?.on === side)?.rule ?? null;

/** A response to HEAD, a 1xx, 204 or 304 has no body to rewrite, whatever its headers say. */
export const responseHasBody = (method: string, status: number): boolean => method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;

export type BodyRewrite = { ok: true; body: Buffer | null; decoded: boolean } | { ok: false; rule: string; why: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Every replaceBody of `side`, in order, on the body's text: decoded first
 * when it has a Content-Encoding (the result goes without it), read as UTF-8,
 * or byte for byte (latin1) when it is not UTF-8. `body` is null when nothing
 * matched: the bytes then go as they came.
 */
export function rewriteBody(bytes: Buffer, raw: readonly string[], rewrites: readonly Rewrite[], side: Side): BodyRewrite {
  const specs = rewrites.filter((r) => r.replaceBody?.on === side);
  if (specs.length === 0) return { ok: true, body: null, decoded: false };
  const encoding = headerOf(raw, 'content-encoding');
  const plain = decodeContent(bytes, encoding, false);
  if (plain === null) return { ok: false, rule: specs[0]!.rule, why: `the ${side} body is ${encoding}-encoded and does not decode, so it cannot be rewritten` };
  let asUtf8 = true;
  let text: string;
  try {
    text = utf8.decode(plain);
  } catch {
    asUtf8 = false;
    text = plain.toString('latin1');
  }
  const before = text;
  for (const r of specs) {
    try {
      text = text.replace(new RegExp(r.replaceBody!.pattern, 'g'), r.replaceBody!.with);
    } catch (err) {
      return { ok: false, rule: r.rule, why: `replaceBody failed on the ${side} body (${(err as Error).message})` };
    }
  }
  if (text === before) return { ok: true, body: null, decoded: false };
  return { ok: true, body: Buffer.from(text, asUtf8 ? 'utf8' : 'latin1'), decoded: plain !== bytes };
}

/** Headers framing a body sent whole: its Content-Length, no Transfer-Encoding, and no Content-Encoding once decoded. */
export function framed(raw: readonly string[], length: number, decoded: boolean): string[] {
  return setHeader(withoutHeaders(raw, decoded ? ['transfer-encoding', 'content-encoding'] : ['transfer-encoding']), 'Content-Length', String(length));
}
