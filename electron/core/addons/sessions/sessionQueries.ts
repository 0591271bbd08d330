// Reading the session store: pages of what a filter selects (counts: sessionCount.ts), one
// stored exchange, suggestions for the filter box. Used by the session worker
// and by the CLI (query, export-har) when no Proxyscope runs on the data dir.
import type { ExchangeQuery, ExchangeSummary, FilterProblem, QueryPage, SortColumn, TunnelInfo } from '../../api.js';
import { parseFilter } from '../../filter/index.js';
import type { Exchange } from '../../flow/exchange.js';
import { hostOf } from '../../flow/state.js';
import { mediaType } from '../../flow/views.js';
import { filterSql, type FilterPlan } from './filterSql.js';
import { exchangeOfRow, sqlText, STORED_BODIES } from './schema.js';
import type { SessionDb } from './sessionDb.js';
import type { ReplayPage, ReplayPageQuery } from '../../pipeline/replaySource.js';

type Session = ExchangeQuery['session'];
type Where = { where: string; params: Array<string | number | null> };

const SORT: Record<SortColumn, string> = {
  startedAt: 'started_at',
  method: 'method',
  host: 'host',
  path: 'path',
  url: 'url',
  status: 'status',
  contentType: 'content_type',
  requestBytes: 'req_size',
  responseBytes: 'res_size',
  durationMs: 'duration_ms',
  delivery: 'delivery',
  httpVersion: 'http_version',
};

// A tunnel's facts are in its state only (no column of their own: a filter has
// `method=CONNECT` for them). Only a CONNECT row pays for reading its JSON: an
// intercepted exchange never has that method (Node's server hands every CONNECT
// to its connect handler, never as a request), and an imported one reads null.
const SUMMARY_COLUMNS =
  "id, session, started_at, method, url, status, pending, error, res_size, duration_ms, delivery, path, content_type, req_size, http_version, CASE WHEN method = 'CONNECT' THEN json_extract(state, '$.tunnel') END AS tunnel, json_extract(state, '$.meta.pinned') AS pinned";
const DEFAULT_LIMIT = 100;

/** The scope and filter as one WHERE clause, or the filter's error with its column. */
export function whereOf(store: SessionDb, session: Session, filter: string | undefined, plan: FilterPlan = {}): Where | FilterProblem {
  const parsed = parseFilter(filter ?? '');
  if (!parsed.ok) return { ok: false, error: parsed.error.message, column: parsed.error.column };
  const sql = filterSql(parsed.filter, plan);
  // A session being imported is not there until its import is whole.
  if (session === 'all') return { where: `(${sql.where})${store.notImporting()}`, params: sql.params as Where['params'] };
  const id = session === undefined || session === 'current' ? store.current : session;
  return { where: `session = ? AND (${sql.where})${store.notImporting()}`, params: [id, ...(sql.params as Where['params'])] };
}

export const isProblem = (w: Where | FilterProblem): w is FilterProblem => 'ok' in w;

export function summaryOfRow(r: Record<string, unknown>): ExchangeSummary {
  const endedDuration = r.duration_ms === null ? null : Math.round(Number(r.duration_ms) * 1000) / 1000;
  const tunnel = typeof r.tunnel === 'string' ? (JSON.parse(r.tunnel) as TunnelInfo) : null;
  return {
    id: String(r.id),
    // Only the proxy records ws:// and wss:// URLs, and only for websockets.
    kind: tunnel ? 'tunnel' : /^wss?:\/\//i.test(String(r.url)) ? 'websocket' : 'http',
    tunnel,
    startedAt: Number(r.started_at),
    method: String(r.method),
    url: String(r.url),
    host: hostOf(String(r.url)),
    status: r.status === null ? null : Number(r.status),
    state: r.pending ? 'pending' : r.error === null ? 'complete' : 'failed',
    error: r.error === null ? null : String(r.error),
    responseBytes: r.res_size === null ? 0 : Number(r.res_size),
    durationMs: endedDuration,
    delivery: (r.delivery as ExchangeSummary['delivery']) ?? null,
    path: String(r.path),
    contentType: mediaType(r.content_type === null ? undefined : String(r.content_type)),
    requestBytes: Number(r.req_size),
    httpVersion: String(r.http_version),
    session: Number(r.session),
    ...(r.pinned === 1 ? { pinned: true as const } : {}),
  };
}

/** Index rows for a body value from which it counts as common (FilterPlan.commonBody). */
export const COMMON_BODY_ROWS = 10_000;

/** Whether the trigram index holds at least `bound` rows for the query: reads at most that many. */
export const commonBody =
  (store: SessionDb, bound: number) =>
  (query: string): boolean =>
    Number(store.db.get('SELECT COUNT(*) AS n FROM (SELECT rowid FROM bodies WHERE bodies MATCH ? LIMIT ?)', [sqlText(query), bound])?.n ?? 0) >= bound;

/**
 * Testing common body values row by row pays only when the rows come in the
 * page's order from an index, so that reading stops at the page's end:
 * exchanges_time gives start time within one session. Other pages keep the index plan.
 */
export function bodyPlan(store: SessionDb, q: ExchangeQuery, commonAt = COMMON_BODY_ROWS): FilterPlan {
  return (q.sort ?? 'startedAt') === 'startedAt' && q.session !== 'all' ? { commonBody: commonBody(store, commonAt) } : {};
}

/** `plan`: bodyPlan's, unless a test picks one. */
export function pageOf(store: SessionDb, q: ExchangeQuery, plan = bodyPlan(store, q)): QueryPage {
  const w = whereOf(store, q.session, q.filter, plan);
  if (isProblem(w)) return w;
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  const sort = SORT[q.sort ?? 'startedAt'];
  // The page's rows are picked first (seq only, from an index that holds what the filter and the sort
  // read), then read: sorting or skipping the matches before them then reads no table rows.
  const orderBy = `ORDER BY ${sort} ${order}, seq ${order}`;
  const picked = `SELECT seq FROM exchanges WHERE ${w.where} ${orderBy} LIMIT ? OFFSET ?`;
  const rows = store.db.all(`SELECT ${SUMMARY_COLUMNS} FROM exchanges WHERE seq IN (${picked}) ${orderBy}`, [
    ...w.params,
    Math.min(q.limit ?? DEFAULT_LIMIT, 1000),
    q.offset ?? 0,
  ]);
  return { ok: true, rows: rows.map(summaryOfRow) };
}

/** Every exchange a filter selects, oldest first, read in chunks (for HAR export and replay); check filterProblem first. */
export function* matching(store: SessionDb, q: Pick<ExchangeQuery, 'session' | 'filter'>, chunk = 500): Generator<Exchange, void, undefined> {
  const w = whereOf(store, q.session, q.filter);
  if (isProblem(w)) throw new Error(w.error);
  let after = 0;
  for (;;) {
    const rows = store.db.all(`SELECT seq, state, ${STORED_BODIES} FROM exchanges WHERE seq > ? AND ${w.where} ORDER BY seq LIMIT ?`, [after, ...w.params, chunk]);
    if (rows.length === 0) return;
    for (const r of rows) yield exchangeOfRow(r);
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/**
 * One page of a replay into a bucket: what the filter selects with seq in (after, upTo], in seq order. The
 * first page (upTo null) fixes the end (the last seq now: traffic arriving meanwhile is not chased) and the
 * session ('current' now, kept if a new one starts), and counts the matches.
 */
export function replayPage(store: SessionDb, q: ReplayPageQuery): ReplayPage {
  const session = q.session === 'current' ? store.current : q.session;
  if (session !== 'all' && !store.db.get('SELECT 1 FROM sessions WHERE id = ?', [session])) return { ok: false, field: 'session', error: `session ${session} does not exist` };
  const w = whereOf(store, session, q.filter);
  if (isProblem(w)) return { ok: false, field: 'filter', error: w.error };
  const upTo = q.upTo ?? Number(store.db.get('SELECT COALESCE(MAX(seq), 0) AS n FROM exchanges')?.n ?? 0);
  const matched = q.upTo === null ? Number(store.db.get(`SELECT COUNT(*) AS n FROM exchanges WHERE seq <= ? AND ${w.where}`, [upTo, ...w.params])?.n ?? 0) : null;
  const rows = store.db.all(`SELECT seq, state, ${STORED_BODIES} FROM exchanges WHERE seq > ? AND seq <= ? AND ${w.where} ORDER BY seq LIMIT ?`, [q.after, upTo, ...w.params, q.limit]);
  const last = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : q.after;
  return { ok: true, session, upTo, matched, exchanges: rows.map(exchangeOfRow), last };
}

/** The filter's error, checked before `matching` is iterated (a generator runs nothing until then). */
export function filterProblem(filter: string | undefined): FilterProblem | null {
  const parsed = parseFilter(filter ?? '');
  return parsed.ok ? null : { ok: false, error: parsed.error.message, column: parsed.error.column };
}

export function storedExchange(store: SessionDb, id: string): Exchange | null {
  const row = store.db.get(`SELECT state, ${STORED_BODIES} FROM exchanges WHERE id = ?`, [id]);
  return row ? exchangeOfRow(row) : null;
}

const SUGGEST: Record<'host' | 'method' | 'status' | 'type', string> = { host: 'host', method: 'method', status: 'status', type: 'content_type' };

/** Distinct values of a column in the current session that start with `prefix`. */
export function suggestions(store: SessionDb, field: keyof typeof SUGGEST, prefix = '', limit = 20): string[] {
  const col = SUGGEST[field];
  const rows = store.db.all(
    `SELECT DISTINCT ${col} AS v FROM exchanges WHERE session = ? AND ${col} IS NOT NULL AND CAST(${col} AS TEXT) LIKE ? ESCAPE '\\' LIMIT ?`,
    [store.current, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit],
  );
  const values = rows.map((r) => (field === 'type' ? (mediaType(String(r.v)) ?? '') : String(r.v)));
  return [...new Set(values)].filter((v) => v !== '').sort();
}
