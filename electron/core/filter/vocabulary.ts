// The filter language's words: its fields, flags, units and mitmproxy's
// spellings, as tables that the parser, the matcher and the help all read.
// Adding a flag is one entry in FLAGS.
import type { HeaderSide, NumberField, TextField } from './ast.js';
import type { FilterTarget } from './target.js';

export type UnitTable = Readonly<Record<string, number>>;

/** Byte sizes, 1024-based. */
export const BYTE_UNITS: UnitTable = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };
/** Durations, in ms. */
export const TIME_UNITS: UnitTable = { ms: 1, s: 1000, m: 60_000 };

export type FieldDef =
  | { kind: 'text'; field: TextField; help: string }
  | { kind: 'enum'; field: TextField; values: readonly string[]; help: string }
  | { kind: 'header'; side: HeaderSide; help: string }
  | { kind: 'number'; field: NumberField; units: UnitTable | null; unitNames: string; classes: boolean; help: string };

/** Delivery states a filter may name; `none` means "not forwarded" (null). */
export const DELIVERY_VALUES = ['queued', 'sent', 'retrying', 'failed', 'none'] as const;

const fields: Record<string, FieldDef> = {
  id: { kind: 'text', field: 'id', help: "the exchange's id (what the UI's selection and the CLI's --json name)" },
  method: { kind: 'text', field: 'method', help: 'request method' },
  url: { kind: 'text', field: 'url', help: 'full URL' },
  host: { kind: 'text', field: 'host', help: 'host name, without the port' },
  path: { kind: 'text', field: 'path', help: 'URL path, without the query' },
  query: { kind: 'text', field: 'query', help: 'URL query, without the ?' },
  protocol: { kind: 'text', field: 'protocol', help: 'http or https' },
  port: { kind: 'number', field: 'port', units: null, unitNames: '', classes: false, help: 'port, from the URL or its scheme (80, 443)' },
  status: { kind: 'number', field: 'status', units: null, unitNames: '', classes: true, help: 'response status; classes like 4xx' },
  type: { kind: 'text', field: 'type', help: 'response content type; type=json means it contains json (js: javascript)' },
  header: { kind: 'header', side: 'either', help: 'a header of either side; header[NAME] alone: it is present' },
  reqheader: { kind: 'header', side: 'request', help: 'a request header; reqheader[NAME] alone: it is present' },
  resheader: { kind: 'header', side: 'response', help: 'a response header; resheader[NAME] alone: it is present' },
  body: { kind: 'text', field: 'body', help: 'request or response body, decoded text' },
  reqbody: { kind: 'text', field: 'reqbody', help: 'request body, decoded text' },
  resbody: { kind: 'text', field: 'resbody', help: 'response body, decoded text' },
  size: { kind: 'number', field: 'size', units: BYTE_UNITS, unitNames: 'b, kb, mb, gb', classes: false, help: 'response body bytes' },
  reqsize: { kind: 'number', field: 'reqsize', units: BYTE_UNITS, unitNames: 'b, kb, mb, gb', classes: false, help: 'request body bytes' },
  duration: { kind: 'number', field: 'duration', units: TIME_UNITS, unitNames: 'ms, s, m', classes: false, help: 'request start to response end (ms)' },
  delivery: { kind: 'enum', field: 'delivery', values: DELIVERY_VALUES, help: 'forwarding state: queued, sent, retrying, failed, none' },
};

/** The field of that (lower-case) name, if any. */
export function fieldNamed(name: string): FieldDef | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
export const FIELD_NAMES: readonly string[] = Object.keys(fields);
export const fieldHelp = (name: string): string => fieldNamed(name)?.help ?? '';

export interface FlagDef {
  help: string;
  test: (t: FilterTarget) => boolean;
}

/** `is:NAME`. One line each. */
const flags: Record<string, FlagDef> = {
  error: { help: 'the exchange failed', test: (t) => t.error !== null },
  pending: { help: 'not ended yet: no response, or the response still coming', test: (t) => t.pending },
  response: { help: 'a response arrived', test: (t) => t.status !== null },
  pinned: { help: 'pinned in the UI', test: (t) => t.pinned },
  browser: { help: 'sent by the browser Open browser started', test: (t) => t.fromBrowser },
  ws: { help: 'a WebSocket (ws:// or wss://); body*= searches its text messages', test: (t) => t.protocol === 'ws' || t.protocol === 'wss' },
  replay: { help: 'sent again by Resend or Edit and send', test: (t) => t.origin === 'replay' },
  imported: { help: 'read from an imported file (HAR)', test: (t) => t.origin === 'import' },
  collected: { help: 'received by the collector as a Runscope message', test: (t) => t.origin === 'collected' },
};

export function flagNamed(name: string): FlagDef | undefined {
  return Object.hasOwn(flags, name) ? flags[name] : undefined;
}
export const FLAG_NAMES: readonly string[] = Object.keys(flags);

/**
 * mitmproxy's spellings (its flowfilter): each is a native comparison with the
 * value that follows (a regular expression, or ~c's status code), or a flag.
 */
export type MitmDef =
  | { help: string; field: string; name?: string; op: '~=' | '=' }
  | { help: string; flag: string; negate?: boolean };

const mitm: Record<string, MitmDef> = {
  m: { help: 'method matches REGEX', field: 'method', op: '~=' },
  u: { help: 'URL matches REGEX', field: 'url', op: '~=' },
  d: { help: 'host matches REGEX', field: 'host', op: '~=' },
  c: { help: 'status is CODE', field: 'status', op: '=' },
  h: { help: 'a "name: value" header line of either side matches REGEX', field: 'header', op: '~=' },
  hq: { help: 'a request header line matches REGEX', field: 'reqheader', op: '~=' },
  hs: { help: 'a response header line matches REGEX', field: 'resheader', op: '~=' },
  b: { help: 'either body matches REGEX', field: 'body', op: '~=' },
  bq: { help: 'request body matches REGEX', field: 'reqbody', op: '~=' },
  bs: { help: 'response body matches REGEX', field: 'resbody', op: '~=' },
  t: { help: 'Content-Type of either side matches REGEX', field: 'header', name: 'content-type', op: '~=' },
  tq: { help: 'request Content-Type matches REGEX', field: 'reqheader', name: 'content-type', op: '~=' },
  ts: { help: 'response Content-Type matches REGEX', field: 'resheader', name: 'content-type', op: '~=' },
  e: { help: 'the exchange failed (is:error)', flag: 'error' },
  s: { help: 'a response arrived (is:response)', flag: 'response' },
  q: { help: 'no response (not is:response)', flag: 'response', negate: true },
};

export function mitmNamed(code: string): MitmDef | undefined {
  return Object.hasOwn(mitm, code) ? mitm[code] : undefined;
}
export const MITM_CODES: readonly string[] = Object.keys(mitm);

/** `type=NAME` shortcuts whose name is not itself the substring wanted. */
const typeAliases: Record<string, readonly string[]> = {
  js: ['javascript', 'ecmascript'],
  form: ['x-www-form-urlencoded', 'multipart/form-data'],
};

/** What `type=value` looks for in the Content-Type: the alias's substrings, or the value itself. */
export function typeSubstrings(value: string): readonly string[] {
  const key = value.toLowerCase();
  return Object.hasOwn(typeAliases, key) ? typeAliases[key]! : [value];
}
