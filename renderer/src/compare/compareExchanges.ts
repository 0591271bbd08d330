// Two exchanges side by side: their request and status lines, their headers
// (added, removed, changed) and their bodies as a line diff (jsdiff), JSON
// pretty-printed first so that a change of one field is one line. Pure: the
// view (CompareView.tsx) fetches the exchanges and decodes their bodies.
import { diffLines } from 'diff';
import type { ExchangeDetail, HeaderPair } from '../../../electron/core/api';
import { headersByName } from '../components/headerChanges';

/** What is compared of an exchange: its detail, and its bodies decoded (null: not text, compared as bytes). */
export interface CompareSide {
  detail: Pick<ExchangeDetail, 'method' | 'url' | 'httpVersion' | 'error' | 'request' | 'response'>;
  requestText: string | null;
  responseText: string | null;
}

export interface LineChange {
  before: string;
  after: string;
  same: boolean;
}

/**
 * One header name (compared without case, as HTTP does), with its values in
 * order on each side: a repeated header is one entry with several values.
 */
export interface HeaderChange {
  /** As the first exchange spells it (the second, when only it has the header). */
  name: string;
  /** The second exchange's spelling, when it differs only in case. */
  otherName?: string;
  kind: 'same' | 'added' | 'removed' | 'changed';
  before: string[];
  after: string[];
}

export type DiffLine = { op: ' ' | '+' | '-'; text: string } | { op: 'skip'; count: number };

export type BodyDiff =
  | { kind: 'text'; same: boolean; lines: DiffLine[] }
  | { kind: 'binary'; same: boolean; sizes: [number, number] }
  /** Too many changed lines to show as a diff. */
  | { kind: 'large'; same: false; lineCounts: [number, number] };

export interface Comparison {
  requestLine: LineChange;
  statusLine: LineChange;
  requestHeaders: HeaderChange[];
  responseHeaders: HeaderChange[];
  requestBody: BodyDiff;
  responseBody: BodyDiff;
  identical: boolean;
}

/** Unchanged lines kept either side of a change; longer runs are folded. */
export const CONTEXT = 3;
/**
 * Beyond this many changed lines the diff is not worth reading, and finding
 * that out costs the square of it (on the UI thread): bodies as different as
 * that are reported, not diffed.
 */
export const MAX_EDITS = 1000;

export function compareExchanges(a: CompareSide, b: CompareSide): Comparison {
  const requestLine = line(requestLineOf(a), requestLineOf(b));
  const statusLine = line(statusLineOf(a), statusLineOf(b));
  const requestHeaders = diffHeaders(a.detail.request.headers, b.detail.request.headers);
  const responseHeaders = diffHeaders(a.detail.response?.headers ?? [], b.detail.response?.headers ?? []);
  const requestBody = diffBodies(bodyOf(a, 'request'), bodyOf(b, 'request'));
  const responseBody = diffBodies(bodyOf(a, 'response'), bodyOf(b, 'response'));
  const identical =
    requestLine.same && statusLine.same && [...requestHeaders, ...responseHeaders].every((h) => h.kind === 'same') && requestBody.same && responseBody.same;
  return { requestLine, statusLine, requestHeaders, responseHeaders, requestBody, responseBody, identical };
}

const line = (before: string, after: string): LineChange => ({ before, after, same: before === after });

function requestLineOf({ detail }: CompareSide): string {
  return `${detail.method} ${detail.url} HTTP/${detail.httpVersion}`;
}

function statusLineOf({ detail }: CompareSide): string {
  const res = detail.response;
  const text = res ? `HTTP/${detail.httpVersion} ${res.status} ${res.reason}`.trimEnd() : 'no response';
  return detail.error ? `${text} (${detail.error})` : text;
}

const sameValues = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);

/** The first exchange's headers in its order, then those only the second has, in its. */
export function diffHeaders(a: readonly HeaderPair[], b: readonly HeaderPair[]): HeaderChange[] {
  const before = headersByName(a);
  const after = headersByName(b);
  const out: HeaderChange[] = [];
  for (const [key, x] of before) {
    const y = after.get(key);
    if (!y) {
      out.push({ name: x.name, kind: 'removed', before: x.values, after: [] });
      continue;
    }
    const change: HeaderChange = { name: x.name, kind: sameValues(x.values, y.values) ? 'same' : 'changed', before: x.values, after: y.values };
    if (y.name !== x.name) change.otherName = y.name;
    out.push(change);
  }
  for (const [key, y] of after) if (!before.has(key)) out.push({ name: y.name, kind: 'added', before: [], after: y.values });
  return out;
}

interface Body {
  text: string | null;
  base64: string;
  size: number;
  contentType: string;
}

function bodyOf(side: CompareSide, which: 'request' | 'response'): Body {
  const part = which === 'request' ? side.detail.request : side.detail.response;
  if (!part) return { text: '', base64: '', size: 0, contentType: '' };
  const contentType = part.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  return { text: which === 'request' ? side.requestText : side.responseText, base64: part.body.base64, size: part.body.size, contentType };
}

/** JSON pretty-printed (so both sides are laid out alike), other text as it is. */
export function comparableText(text: string, contentType: string): string {
  if (!/json/i.test(contentType) && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function diffBodies(a: Body, b: Body): BodyDiff {
  if (a.text === null || b.text === null) return { kind: 'binary', same: a.base64 === b.base64 && a.size === b.size, sizes: [a.size, b.size] };
  const before = comparableText(a.text, a.contentType);
  const after = comparableText(b.text, b.contentType);
  if (before === after) return { kind: 'text', same: true, lines: folded(linesOf(before).map((text) => ({ op: ' ', text }))) };
  const changes = diffLines(before, after, { maxEditLength: MAX_EDITS });
  if (changes === undefined) return { kind: 'large', same: false, lineCounts: [linesOf(before).length, linesOf(after).length] };
  const lines: DiffLine[] = [];
  for (const c of changes) {
    const op = c.added ? '+' : c.removed ? '-' : ' ';
    for (const text of linesOf(c.value)) lines.push({ op, text });
  }
  return { kind: 'text', same: false, lines: folded(lines) };
}

/** A text's lines; a final newline ends the last line rather than starting another. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Long runs of unchanged lines become one `skip`, keeping the context either side of a change. */
function folded(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.op !== ' ') {
      out.push(lines[i++]!);
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.op === ' ') j++;
    const keepHead = i === 0 ? 0 : CONTEXT;
    const keepTail = j === lines.length ? 0 : CONTEXT;
    // A fold hides more lines than the context, or it is not worth its own line.
    if (j - i - keepHead - keepTail > CONTEXT) {
      out.push(...lines.slice(i, i + keepHead), { op: 'skip', count: j - i - keepHead - keepTail }, ...lines.slice(j - keepTail, j));
    } else out.push(...lines.slice(i, j));
    i = j;
  }
  return out;
}
