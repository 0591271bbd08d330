// The session database (issue #19): one row per exchange with the columns a
// filter compares (its headers as one JSONB array), its decoded bodies with an FTS5
// trigram table, and the state (toState without body bytes, which are BLOB
// columns) to read it back with fromState.
// The derived columns come from exchangeTarget, so SQL and the in-memory
// matcher see the same host, path, content type and body text.
import type { Database, SQLiteValue } from 'node-sqlite3-wasm';
import { exchangeTarget } from '../../filter/exchangeTarget.js';
import type { Exchange } from '../../flow/exchange.js';
import { CapturedBody } from '../../flow/body.js';
import { fromState, toState, type ExchangeState } from '../../flow/state.js';

/** What the schema needs of a database: node-sqlite3-wasm's Database, or the Db wrapper (sqliteDb.ts). */
export type SqlDb = Pick<Database, 'exec' | 'run' | 'all'>;

export const SCHEMA_VERSION = 3;

// Columns a filter compares case-insensitively as stored are COLLATE NOCASE, so
// `=` on them can use their index; host and protocol are stored lower-cased (as
// exchangeTarget gives them) and compared as they are. Every query is scoped
// to a session and its first page is sorted by started_at, so each index leads
// with the session and its column, then started_at: an equality filter reads
// its first page in order, without a sort. Each also carries the other filter
// columns, so a filter combining them (method, host, status, duration, sizes)
// is counted, and its page's rows picked, from one index without reading the
// table, which at a million rows was most of the time of such a query.
const FILTER_COLUMNS = ['method', 'host', 'status', 'duration_ms', 'res_size', 'req_size'] as const;
const FILTER_INDEXES = FILTER_COLUMNS.map(
  (c) => `CREATE INDEX IF NOT EXISTS exchanges_${c} ON exchanges(session, ${c}, started_at, ${FILTER_COLUMNS.filter((o) => o !== c).join(', ')});`,
).join('\n');

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  started_at REAL NOT NULL,
  exchanges INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS restarts (session INTEGER NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS restarts_session ON restarts(session);
-- key/value: the current session.
CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exchanges (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  session INTEGER NOT NULL REFERENCES sessions(id),
  started_at REAL NOT NULL,
  method TEXT NOT NULL COLLATE NOCASE,
  url TEXT NOT NULL COLLATE NOCASE,
  host TEXT NOT NULL,
  path TEXT NOT NULL COLLATE NOCASE,
  query TEXT NOT NULL COLLATE NOCASE,
  protocol TEXT NOT NULL,
  port INTEGER NOT NULL,
  status INTEGER,
  content_type TEXT COLLATE NOCASE,
  req_size INTEGER NOT NULL,
  res_size INTEGER,
  duration_ms REAL,
  delivery TEXT,
  error TEXT,
  pending INTEGER NOT NULL,
  http_version TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  -- JSONB [[name lower-cased, side, value], …]: header filters read it with json_each.
  -- One value in the row rather than a row per header, which doubled the cost of a write.
  headers BLOB NOT NULL,
  state TEXT NOT NULL,
  req_body BLOB NOT NULL,
  res_body BLOB
);
CREATE INDEX IF NOT EXISTS exchanges_time ON exchanges(session, started_at);
${FILTER_INDEXES}
-- Decoded body text, seq = exchanges.seq, written with the exchange.
CREATE TABLE IF NOT EXISTS body_text (seq INTEGER PRIMARY KEY, req TEXT, res TEXT);
-- Its trigram index, rowid = seq, filled in the background (indexBodies) up to
-- store.indexed: tokenising a body costs several times the rest of a write.
-- Contentless and without positions (detail=none, half the size): the text is
-- body_text's, and a row holding all of a value's trigrams is a candidate that
-- LIKE then checks there.
CREATE VIRTUAL TABLE IF NOT EXISTS bodies USING fts5(req, res, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram');
INSERT OR IGNORE INTO store (key, value) VALUES ('indexed', 0);
PRAGMA user_version = ${SCHEMA_VERSION};
`;

/**
 * The binding passes text as C strings, cut at the first NUL, so text is stored
 * (and filter values bound) with U+0000 as U+FFFF, a noncharacter: the two
 * paths then differ only for a value holding U+FFFF or a regular expression
 * naming \0 itself.
 */
export const sqlText = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '\uFFFF') : s);
const sqlTextOrNull = (s: string | null): string | null => (s === null ? null : sqlText(s));

/**
 * Text goes to SQLite as its UTF-8 bytes, made here by Buffer, and the SQL casts it back to TEXT:
 * the binding's own string conversion walks each string twice in JavaScript, and that was a third
 * of the session worker's time for 1 KiB bodies.
 */
function utf8(s: string | null): Buffer | null {
  return s === null ? null : Buffer.from(s, 'utf8');
}

/** headers.side */
export const REQUEST_SIDE = 0;
export const RESPONSE_SIDE = 1;

export function createSchema(db: SqlDb): void {
  db.exec(SCHEMA);
}

/** An exchanges row, as the filter sees the exchange. */
export interface ExchangeRow {
  id: string;
  started_at: number;
  method: string;
  url: string;
  host: string;
  path: string;
  query: string;
  protocol: string;
  port: number;
  status: number | null;
  content_type: string | null;
  req_size: number;
  res_size: number | null;
  duration_ms: number | null;
  delivery: string | null;
  error: string | null;
  pending: 0 | 1;
  http_version: string;
  /** What the exchange takes in the store, roughly: state, bodies and their text. */
  bytes: number;
  /** JSON of ExchangeRecord.headers, stored as JSONB. */
  headers: string;
  state: string;
  req_body: Uint8Array;
  res_body: Uint8Array | null;
}

/** Everything written for one exchange: its row, its headers [name lower-cased, side, value], body texts as UTF-8. */
export interface ExchangeRecord {
  row: ExchangeRow;
  headers: Array<[string, number, string]>;
  requestBody: Uint8Array | null;
  responseBody: Uint8Array | null;
}

const NO_BYTES = new Uint8Array(0);

/**
 * A body whose bytes are its text's UTF-8 (the usual JSON or HTML, not compressed) is kept once, in
 * body_text: its bytes column holds an empty blob, which STORED_BODIES reads back from the text.
 * An empty body's text is empty too, so the rule reads it back the same.
 */
function bytesUnlessText(bytes: Buffer, text: Uint8Array | null): Uint8Array {
  return text !== null && bytes.equals(text) ? NO_BYTES : bytes;
}

/** The body columns exchangeOfRow reads, for a SELECT … FROM exchanges (see bytesUnlessText). */
export const STORED_BODIES = [
  "CASE WHEN length(req_body) > 0 THEN req_body ELSE COALESCE((SELECT CAST(req AS BLOB) FROM body_text WHERE body_text.seq = exchanges.seq), X'') END AS req_body",
  "CASE WHEN res_body IS NULL OR length(res_body) > 0 THEN res_body ELSE COALESCE((SELECT CAST(res AS BLOB) FROM body_text WHERE body_text.seq = exchanges.seq), X'') END AS res_body",
].join(', ');

export function rowOf(ex: Exchange): ExchangeRecord {
  const t = exchangeTarget(ex);
  const headers: Array<[string, number, string]> = [];
  for (const [n, v] of t.requestHeaders) headers.push([sqlText(n.toLowerCase()), REQUEST_SIDE, sqlText(v)]);
  for (const [n, v] of t.responseHeaders) headers.push([sqlText(n.toLowerCase()), RESPONSE_SIDE, sqlText(v)]);
  const state = JSON.stringify(toState(ex, { bodies: false }));
  const requestBody = utf8(sqlTextOrNull(t.requestBody));
  const responseBody = utf8(sqlTextOrNull(t.responseBody));
  const reqBody = bytesUnlessText(ex.request.body.bytes(), requestBody);
  const resBody = ex.response ? bytesUnlessText(ex.response.body.bytes(), responseBody) : null;
  let bytes = state.length + reqBody.length + (resBody?.length ?? 0) + (requestBody?.length ?? 0) + (responseBody?.length ?? 0);
  for (const [n, , v] of headers) bytes += n.length + v.length;
  return {
    row: {
      id: ex.id,
      started_at: ex.timings.startedAt,
      method: sqlText(t.method),
      url: sqlText(t.url),
      host: sqlText(t.host),
      path: sqlText(t.path),
      query: sqlText(t.query),
      protocol: sqlText(t.protocol),
      port: t.port,
      status: t.status,
      content_type: sqlTextOrNull(t.contentType),
      req_size: t.requestSize,
      res_size: t.responseSize,
      duration_ms: t.durationMs,
      delivery: t.delivery,
      error: sqlTextOrNull(t.error),
      pending: t.pending ? 1 : 0,
      http_version: ex.request.httpVersion,
      bytes,
      headers: JSON.stringify(headers),
      state,
      req_body: reqBody,
      res_body: resBody,
    },
    headers,
    requestBody,
    responseBody,
  };
}

const ROW_COLUMNS = ['id', 'started_at', 'method', 'url', 'host', 'path', 'query', 'protocol', 'port', 'status', 'content_type', 'req_size', 'res_size', 'duration_ms', 'delivery', 'error', 'pending', 'http_version', 'bytes', 'headers', 'state', 'req_body', 'res_body'] as const;
const TEXT_COLUMNS: ReadonlySet<string> = new Set(['id', 'method', 'url', 'host', 'path', 'query', 'protocol', 'content_type', 'delivery', 'error', 'http_version', 'headers', 'state']);
const placeholder = (c: string): string => (c === 'headers' ? 'jsonb(CAST(? AS TEXT))' : TEXT_COLUMNS.has(c) ? 'CAST(? AS TEXT)' : '?');
const INSERT_EXCHANGE = `INSERT INTO exchanges (session, ${ROW_COLUMNS.join(', ')}) VALUES (?, ${ROW_COLUMNS.map(placeholder).join(', ')}) ON CONFLICT (id) DO NOTHING`;
const INSERT_BODIES = 'INSERT INTO body_text (seq, req, res) VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT))';


/**
 * Writes one exchange (the caller batches them in a transaction, and counts it in its session); returns its
 * seq and stored bytes, or null when its id is already stored (a collector's sender may send a message twice).
 */
export function insertExchange(db: SqlDb, sessionId: number, ex: Exchange): { seq: number; bytes: number } | null {
  const { row, requestBody, responseBody } = rowOf(ex);
  const values: SQLiteValue[] = [sessionId];
  for (const c of ROW_COLUMNS) values.push(TEXT_COLUMNS.has(c) ? utf8(row[c] as string | null) : row[c]);
  const inserted = db.run(INSERT_EXCHANGE, values);
  if (inserted.changes === 0) return null;
  const seq = Number(inserted.lastInsertRowid);
  db.run(INSERT_BODIES, [seq, requestBody, responseBody]);
  return { seq, bytes: row.bytes };
}

/** Adds the next `limit` bodies past store.indexed to the trigram index (the caller wraps it in a transaction); returns how many. */
export function indexBodies(db: SqlDb, limit: number): number {
  // Read and written as bytes, for the reason utf8() gives.
  const rows = db.all("SELECT seq, CAST(req AS BLOB) AS req, CAST(res AS BLOB) AS res FROM body_text WHERE seq > (SELECT value FROM store WHERE key = 'indexed') ORDER BY seq LIMIT ?", [limit]) as Array<{
    seq: number;
    req: Uint8Array | null;
    res: Uint8Array | null;
  }>;
  for (const r of rows) db.run('INSERT INTO bodies (rowid, req, res) VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT))', [r.seq, r.req, r.res]);
  if (rows.length > 0) db.run("UPDATE store SET value = ? WHERE key = 'indexed'", [rows[rows.length - 1]!.seq]);
  return rows.length;
}

/** Reads a stored exchange back: its state, with the body bytes from their columns (selected as STORED_BODIES gives them). */
export function exchangeOfRow(row: Record<string, unknown>): Exchange {
  const ex = fromState(JSON.parse(String(row.state)) as ExchangeState);
  ex.request.body = CapturedBody.restored(Buffer.from(row.req_body as Uint8Array), ex.request.body.size);
  if (ex.response && row.res_body instanceof Uint8Array) ex.response.body = CapturedBody.restored(Buffer.from(row.res_body), ex.response.body.size);
  return ex;
}

export function createSession(db: SqlDb, name: string, startedAt: number): number {
  return Number(db.run('INSERT INTO sessions (name, started_at) VALUES (?, ?)', [name, startedAt]).lastInsertRowid);
}

export function sessionName(at: number): string {
  return `Session ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}`;
}

/** A file with another schema than this build's: moved aside like a corrupt one, not converted. */
export class OtherSchemaError extends Error {
  constructor(readonly version: number) {
    super(`sessions.db has schema ${version}, this version of Proxyscope writes ${SCHEMA_VERSION}`);
  }
}
