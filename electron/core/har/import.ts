// HAR 1.2 import: a HAR document (ours or a browser's) converted into exchange
// states (origin `import`), all or nothing. Not wired to a command yet; a
// streaming reader can call harEntryToState for each entry as it is parsed.
//
// What the model keeps differs from HAR in a few places, decided here:
// - Bodies. The model keeps the bytes as they were on the wire; HAR keeps a
//   response's content decoded (content.text, base64 when content.encoding is
//   `base64`). When a response with a Content-Encoding (other than identity)
//   comes with body text, the Content-Encoding headers are dropped, so nothing
//   decodes the body a second time, and what they said is kept in
//   meta.harDecoded. Other headers (Content-Length too) stay as they came.
//   Without body text the headers stay and the body is its size with no bytes.
//   Request bodies (postData) are taken as they are, as our export writes them.
// - Sizes. A request body's size is request.bodySize when known (>= 0), a
//   response body's is content.size when known, else bodySize (HAR defines
//   content.size as the body's length; bodySize counts the transfer and is 0
//   for a cached response). A decoded response's size is its decoded length.
//   A size above the bytes given marks the body truncated; never below them.
//   So a compressed body cut at the capture cap comes back decoded and whole.
// - Ids are new (exchangeId, from startedDateTime, so they sort by start time
//   like the proxy's); the HAR's `_id` is not reused.
// - Timings. startedAt is startedDateTime (HAR keeps milliseconds), endedAt is
//   startedAt + time, responseStartedAt is startedAt + blocked + dns + connect
//   + send + wait (the phases that are not -1; ssl is part of connect), at most
//   endedAt; endedAt when the entry has no timings. Every entry is ended: a
//   pending exchange exported comes back complete.
// - Failures. Status 0 means no response (our export and browsers write it so):
//   the response is null and the error is response._error, or `no response`.
//   An entry with a response and an _error failed after its headers.
import { z } from 'zod';
import type { HeaderPair } from '../api.js';
import { STATE_VERSION, type BodyState, type ExchangeState } from '../flow/state.js';
import { exchangeId } from '../flow/exchangeId.js';

export type HarImport = { ok: true; states: ExchangeState[] } | { ok: false; error: string };
export type HarEntryImport = { ok: true; state: ExchangeState } | { ok: false; error: string };

/** The meta key naming the Content-Encoding dropped from a response whose body HAR gave decoded. */
export const HAR_DECODED_META = 'harDecoded';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

const headers = z.array(z.object({ name: z.string(), value: z.string() }));
/** HAR writes -1 for a size or a timing phase it does not know. */
const size = z.number().int().min(-1).optional();
const phase = z.number().min(-1).optional();
/** The one text encoding HAR names; the field is left out for plain text. */
const encoding = z.literal('base64', { error: 'expected "base64" or no encoding' }).optional();

/** A body given as text is checked as base64 when it says it is. */
function checkBase64(b: { text?: string | undefined; encoding?: 'base64' | undefined }, ctx: z.RefinementCtx) {
  if (b.encoding === 'base64' && b.text !== undefined && !BASE64.test(b.text)) ctx.addIssue({ code: 'custom', path: ['text'], message: 'not base64' });
}

const status = z
  .number()
  .int()
  .refine((s) => s === 0 || (s >= 100 && s <= 999), 'expected 0 (no response) or an HTTP status from 100 to 999');

const entrySchema = z.object({
  startedDateTime: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date and time' }),
  time: z.number().min(0),
  request: z.object({
    method: z.string().min(1),
    url: z.string().refine((u) => URL.canParse(u), 'expected an absolute URL'),
    httpVersion: z.string(),
    headers,
    postData: z.object({ mimeType: z.string().optional(), text: z.string().optional(), encoding }).superRefine(checkBase64).optional(),
    bodySize: size,
  }),
  response: z.object({
    status,
    statusText: z.string(),
    headers,
    content: z.object({ size, mimeType: z.string().optional(), text: z.string().optional(), encoding }).superRefine(checkBase64),
    bodySize: size,
    _error: z.string().nullable().optional(),
  }),
  timings: z.object({ blocked: phase, dns: phase, connect: phase, send: phase, wait: phase, receive: phase }).optional(),
});

type HarEntry = z.infer<typeof entrySchema>;

const documentSchema = z.object({ log: z.object({ version: z.string().optional(), entries: z.array(z.unknown()) }) });

/** `entries[3].request.url`: the path as one would write it in code. */
function pathOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function problem(error: z.ZodError, prefix: PropertyKey[]): string {
  const issue = error.issues[0]!;
  const where = pathOf([...prefix, ...issue.path]) || 'HAR';
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_type') {
    const expected = String(issue.expected);
    const article = expected === 'array' || expected === 'object' || expected === 'int' ? 'an' : 'a';
    message = / received undefined$/.test(message) ? `missing (expected ${article} ${expected})` : message.replace(/^expected \w+/, `expected ${article} ${expected}`);
  }
  return `${where}: ${message}`;
}

const pairs = (list: HarEntry['request']['headers']): HeaderPair[] => list.map(({ name, value }) => [name, value]);
const isContentEncoding = ([name]: HeaderPair) => name.toLowerCase() === 'content-encoding';
const known = (...sizes: Array<number | undefined>) => sizes.find((s): s is number => s !== undefined && s >= 0);

function bytesOf(b: { text?: string | undefined; encoding?: 'base64' | undefined }): Buffer {
  if (b.text === undefined) return Buffer.alloc(0);
  return b.encoding === 'base64' ? Buffer.from(b.text, 'base64') : Buffer.from(b.text, 'utf8');
}

function bodyState(bytes: Buffer, sizeSaid: number | undefined): BodyState {
  const size = Math.max(bytes.length, sizeSaid ?? 0);
  return { base64: bytes.toString('base64'), size, truncated: size > bytes.length };
}

function response(res: HarEntry['response']): { response: NonNullable<ExchangeState['response']>; decoded: string | null } {
  const all = pairs(res.headers);
  const codings = all.filter(isContentEncoding).map(([, v]) => v.trim());
  const bytes = bytesOf(res.content);
  const encoded = codings.some((c) => c !== '' && c.toLowerCase() !== 'identity');
  if (encoded && bytes.length > 0) {
    const headers = all.filter((h) => !isContentEncoding(h));
    return { response: { status: res.status, reason: res.statusText, headers, body: bodyState(bytes, undefined) }, decoded: codings.join(', ') };
  }
  const size = encoded ? known(res.bodySize, res.content.size) : known(res.content.size, res.bodySize);
  return { response: { status: res.status, reason: res.statusText, headers: all, body: bodyState(bytes, size) }, decoded: null };
}

function timings(e: HarEntry, hasResponse: boolean): ExchangeState['timings'] {
  const startedAt = Date.parse(e.startedDateTime);
  const endedAt = startedAt + e.time;
  if (!hasResponse) return { startedAt, responseStartedAt: null, endedAt };
  if (!e.timings) return { startedAt, responseStartedAt: endedAt, endedAt };
  const t = e.timings;
  const before = [t.blocked, t.dns, t.connect, t.send, t.wait].reduce<number>((sum, p) => sum + (p !== undefined && p > 0 ? p : 0), 0);
  return { startedAt, responseStartedAt: Math.min(startedAt + before, endedAt), endedAt };
}

/** The id's millisecond prefix, kept within what a UUIDv7 holds. */
const idTime = (ms: number) => Math.min(Math.max(Math.floor(ms), 0), 2 ** 48 - 1);

/** One HAR entry as an exchange state; the error names `entries[index]` and the field. */
export function harEntryToState(entry: unknown, index: number): HarEntryImport {
  const parsed = entrySchema.safeParse(entry);
  if (!parsed.success) return { ok: false, error: problem(parsed.error, ['entries', index]) };
  const e = parsed.data;
  const req = e.request;
  const hasResponse = e.response.status !== 0;
  const res = hasResponse ? response(e.response) : null;
  const error = e.response._error || (hasResponse ? null : 'no response');
  const times = timings(e, hasResponse);
  const reqBytes = req.postData ? bytesOf(req.postData) : Buffer.alloc(0);
  return {
    ok: true,
    state: {
      v: STATE_VERSION,
      id: exchangeId(idTime(times.startedAt)),
      kind: 'http',
      origin: 'import',
      request: {
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion.replace(/^http\//i, ''),
        headers: pairs(req.headers),
        body: bodyState(reqBytes, known(req.bodySize)),
      },
      response: res?.response ?? null,
      tunnel: null,
      upstream: null,
      websocket: null,
      chunkTimes: null,
      error,
      timings: times,
      meta: res?.decoded ? { [HAR_DECODED_META]: res.decoded } : {},
    },
  };
}

/** Every entry of a HAR document as exchange states, or the first thing wrong (nothing half-converted). */
export function harEntriesToStates(har: unknown): HarImport {
  const doc = documentSchema.safeParse(har);
  if (!doc.success) return { ok: false, error: problem(doc.error, []) };
  const states: ExchangeState[] = [];
  for (const [i, entry] of doc.data.log.entries.entries()) {
    const one = harEntryToState(entry, i);
    if (!one.ok) return one;
    states.push(one.state);
  }
  return { ok: true, states };
}
