// HAR 1.2 export of the kept exchanges (what every inspector and browser imports),
// from the exchanges' serialised state. Bodies are exported decoded, as HAR asks.
// The sessions addon answers exportHar with it; import.ts reads HAR back.
import { createRequire } from 'node:module';
import type { HeaderPair } from '../api.js';
import { decodeContent, textOrBase64 } from '../flow/contentEncoding.js';
import type { BodyState, ExchangeState } from '../flow/state.js';

const APP_VERSION = '0.1.0';

interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

const first = (headers: HeaderPair[], name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
const all = (headers: HeaderPair[], name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

function requestCookies(headers: HeaderPair[]): HarCookie[] {
  return all(headers, 'cookie').flatMap((line) =>
    line.split(';').flatMap((part) => {
      const at = part.indexOf('=');
      const name = (at < 0 ? '' : part.slice(0, at)).trim();
      return name ? [{ name, value: part.slice(at + 1).trim() }] : [];
    }),
  );
}

// tough-cookie loads with the first Set-Cookie exported, not with every process that can export.
let toughCookie: typeof import('tough-cookie') | null = null;
const parseSetCookie = (line: string) => (toughCookie ??= createRequire(import.meta.url)('tough-cookie') as typeof import('tough-cookie')).Cookie.parse(line);

function responseCookies(headers: HeaderPair[]): HarCookie[] {
  return all(headers, 'set-cookie').flatMap((line) => {
    const c = parseSetCookie(line);
    if (!c) return [];
    return [{
      name: c.key,
      value: c.value,
      ...(c.path ? { path: c.path } : {}),
      ...(c.domain ? { domain: c.domain } : {}),
      ...(c.expires instanceof Date ? { expires: c.expires.toISOString() } : {}),
      ...(c.httpOnly ? { httpOnly: true } : {}),
      ...(c.secure ? { secure: true } : {}),
    }];
  });
}

/** A body as HAR content: decoded text (base64 when not UTF-8), its decoded size and the bytes compression saved. */
function content(body: BodyState, headers: HeaderPair[]) {
  const wire = Buffer.from(body.base64, 'base64');
  const decoded = decodeContent(wire, first(headers, 'content-encoding'), body.truncated) ?? wire;
  const { text, base64 } = textOrBase64(decoded);
  const compressed = decoded !== wire;
  return {
    // Decoded length: of the whole body, or of what was kept when it was cut.
    size: compressed ? decoded.length : body.size,
    ...(compressed && !body.truncated ? { compression: decoded.length - body.size } : {}),
    text,
    ...(base64 ? { encoding: 'base64' } : {}),
    ...(body.truncated ? { comment: `truncated: ${wire.length} of ${body.size} bytes kept` } : {}),
  };
}

function queryString(url: string) {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const harHeaders = (headers: HeaderPair[]) => headers.map(([name, value]) => ({ name, value }));

/**
 * HAR holds HTTP exchanges, and a tunnel carried none that the proxy read: as
 * an entry it would be a CONNECT with an empty 200 whose bytes went nowhere,
 * and would import back as an http exchange. So exports leave tunnels out
 * (their count is of entries written); the session store keeps them.
 */
export const inHar = (s: ExchangeState): boolean => s.kind !== 'tunnel';

export function harEntry(s: ExchangeState) {
  const { startedAt } = s.timings;
  const ended = s.timings.endedAt ?? startedAt;
  const waitEnd = s.timings.responseStartedAt ?? ended;
  const req = s.request;
  const res = s.response ?? { status: 0, reason: '', headers: [], body: { base64: '', size: 0, truncated: false } };
  const reqBody = Buffer.from(req.body.base64, 'base64');
  const reqText = textOrBase64(reqBody);
  return {
    startedDateTime: new Date(startedAt).toISOString(),
    time: ended - startedAt,
    request: {
      method: req.method,
      url: req.url,
      httpVersion: `HTTP/${req.httpVersion}`,
      cookies: requestCookies(req.headers),
      headers: harHeaders(req.headers),
      queryString: queryString(req.url),
      ...(req.body.size > 0
        ? { postData: { mimeType: first(req.headers, 'content-type') ?? '', text: reqText.text, ...(reqText.base64 ? { encoding: 'base64' } : {}) } }
        : {}),
      headersSize: -1,
      bodySize: req.body.size,
    },
    response: {
      status: res.status,
      statusText: res.reason,
      httpVersion: `HTTP/${req.httpVersion}`,
      cookies: responseCookies(res.headers),
      headers: harHeaders(res.headers),
      content: { mimeType: first(res.headers, 'content-type') ?? '', ...content(res.body, res.headers) },
      redirectURL: first(res.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: res.body.size,
      ...(s.error ? { _error: s.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait: waitEnd - startedAt, receive: ended - waitEnd },
    _id: s.id,
  };
}

export function toHar(states: ExchangeState[]): object {
  return { log: { version: '1.2', creator: HAR_CREATOR, entries: states.filter(inHar).map(harEntry) } };
}

const HAR_CREATOR = { name: 'Proxyscope', version: APP_VERSION };

/** The largest HAR text a command answers with. */
export const HAR_MAX_CHARS = 256 * 1024 * 1024;
export const TOO_LARGE = 'this export is over 256 MiB of HAR: narrow the filter, or use `proxyscope export-har`, which writes any size to a file';

/**
 * The HAR text of the states, entry by entry; null once it would pass
 * `maxChars` (a string that size must cross threads and a socket whole).
 */
export function harText(states: Iterable<ExchangeState>, maxChars: number): { text: string; count: number } | null {
  const entries: string[] = [];
  let chars = 0;
  for (const s of states) {
    if (!inHar(s)) continue;
    const entry = JSON.stringify(harEntry(s));
    chars += entry.length + 1;
    if (chars > maxChars) return null;
    entries.push(entry);
  }
  const head = JSON.stringify({ log: { version: '1.2', creator: HAR_CREATOR, entries: [] } }).slice(0, -'[]}}'.length);
  return { text: `${head}[${entries.join(',')}]}}`, count: entries.length };
}
