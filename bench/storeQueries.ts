// The store phase's queries over the stored mix (bench/wrk-mix.lua): through the
// running instance's UI WebSocket as the renderer sends them, and offline on
// sessions.db with the built SessionDb and pageOf / countOf, with each query's
// plan (EXPLAIN QUERY PLAN).
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI } from './processes.js';
import { median, RARE_WORD } from './shared.js';
import type { UiClient } from './uiClient.js';

export type QueryKind = 'indexed' | 'body';

/** Indexed filters select small and large shares of the mix; body filters read the FTS table. */
export const STORE_FILTERS: ReadonlyArray<{ filter: string; kind: QueryKind }> = [
  { filter: 'method=POST status>=500', kind: 'indexed' },
  { filter: 'host=api.localhost duration>1s', kind: 'indexed' },
  { filter: 'status=404 size>500', kind: 'indexed' },
  { filter: 'method=DELETE host=auth.localhost status=404', kind: 'indexed' },
  { filter: 'host=shop.localhost method=PUT', kind: 'indexed' },
  { filter: 'duration>1s', kind: 'indexed' },
  { filter: 'status=201', kind: 'indexed' },
  { filter: 'status>=400', kind: 'indexed' },
  { filter: 'method=GET', kind: 'indexed' },
  { filter: 'host=cdn.localhost size<200', kind: 'indexed' },
  { filter: `body*=${RARE_WORD}`, kind: 'body' },
  { filter: `resbody*=${RARE_WORD} host=api.localhost`, kind: 'body' },
  { filter: 'body*=warehouse', kind: 'body' },
];

/** ms; first: the first time this filter is asked (what a typed filter costs), median: of the repeats after it. */
export interface Timed {
  first: number;
  median: number;
}

export interface QueryTiming {
  filter: string;
  kind: QueryKind;
  matched: number;
  /** Through the UI WebSocket, round trips: queryExchanges limit 100 newest first and oldest first, countExchanges (exact, and quick as the grid asks first). */
  ws: { pageDesc: Timed; pageAsc: Timed; count: Timed; quickCount?: Timed & { matched: number; atLeast: boolean } } | null;
  offline: { pageDesc: Timed; pageAsc: Timed; count: Timed } | null;
  plans: { page: string; count: string } | null;
}

const REPEATS = 3;

async function timed(run: () => Promise<unknown> | unknown, repeats = REPEATS): Promise<Timed> {
  const times: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return { first: times[0]!, median: median(times.slice(1)) };
}

type Answer = { ok: boolean; error?: string; rows?: unknown[]; matched?: number; atLeast?: boolean };
const check = (a: Answer, what: string): Answer => {
  if (!a.ok) throw new Error(`${what}: ${a.error}`);
  return a;
};

export async function wsQueries(ui: UiClient): Promise<Map<string, { matched: number; ws: NonNullable<QueryTiming['ws']> }>> {
  const out = new Map<string, { matched: number; ws: NonNullable<QueryTiming['ws']> }>();
  for (const { filter } of STORE_FILTERS) {
    // The renderer asks for the page first, then the count; the first page is what shows.
    const page = (order: 'asc' | 'desc') => async () => check(await ui.invoke<Answer>('queryExchanges', { filter, sort: 'startedAt', order, offset: 0, limit: 100 }), filter);
    const pageDesc = await timed(page('desc'));
    const pageAsc = await timed(page('asc'));
    // The grid asks a quick count first (a lower bound where the exact one would read every body), then the exact one if it was.
    let quick: Answer = { ok: false };
    const quickTimed = await timed(async () => (quick = check(await ui.invoke<Answer>('countExchanges', { filter, quick: true }), filter)));
    let matched = NaN;
    const count = await timed(async () => (matched = check(await ui.invoke<Answer>('countExchanges', { filter }), filter).matched ?? NaN));
    const quickCount = { ...quickTimed, matched: quick.matched ?? NaN, atLeast: quick.atLeast === true };
    out.set(filter, { matched, ws: { pageDesc, pageAsc, count, quickCount } });
  }
  return out;
}

// What the bench needs of the built core (dist/electron/core), loaded at run time from the build under test.
interface StoreDb {
  db: { all(sql: string, params?: unknown[]): Array<Record<string, unknown>> };
  current: number;
  close(): void;
}
interface QueriesModule {
  pageOf(store: StoreDb, q: object): Answer;
  countOf(store: StoreDb, q: object): Answer;
  whereOf(store: StoreDb, session: undefined, filter: string, plan?: object): Where | { ok: false; error: string };
  /** The page's body plan (absent in builds before it). */
  bodyPlan?(store: StoreDb, q: object): object;
}
type Where = { where: string; params: unknown[] };

const sessionsDir = join(dirname(CLI), '..', 'core', 'addons', 'sessions');
const load = async <T>(file: string) => (await import(pathToFileURL(join(sessionsDir, file)).href)) as T;

// The statements of pageOf and countOf (a count in one statement), for their plans.
const SUMMARY_COLUMNS = 'id, session, started_at, method, url, status, pending, error, res_size, duration_ms, delivery, path, content_type, req_size, http_version';
const pageSql = (where: string) => `SELECT ${SUMMARY_COLUMNS} FROM exchanges WHERE ${where} ORDER BY started_at DESC, seq DESC LIMIT 100 OFFSET 0`;
const countSql = (where: string) => `SELECT COUNT(*) AS n FROM exchanges WHERE ${where}`;

function planOf(store: StoreDb, sql: string, params: unknown[]): string {
  return store.db
    .all(`EXPLAIN QUERY PLAN ${sql}`, params)
    .map((r) => String(r.detail))
    .join('; ');
}

/** Opens sessions.db as the CLI does (a reader, no retention) and runs every filter; the instance must be stopped. */
export async function offlineQueries(dbPath: string): Promise<{ openMs: number; results: Map<string, Pick<QueryTiming, 'matched' | 'offline' | 'plans'>> }> {
  const { SessionDb } = await load<{ SessionDb: new (path: string, r: object, o: object) => StoreDb }>('sessionDb.js');
  const queries = await load<QueriesModule>('sessionQueries.js');
  // countOf moved to sessionCount.js; a build before that has it in sessionQueries.js.
  const countModule = await load<Pick<QueriesModule, 'countOf'>>('sessionCount.js').catch(() => queries);
  const q: QueriesModule = { ...queries, countOf: countModule.countOf };
  const t0 = performance.now();
  const store = new SessionDb(dbPath, { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER }, { reader: true });
  const openMs = performance.now() - t0;
  const results = new Map<string, Pick<QueryTiming, 'matched' | 'offline' | 'plans'>>();
  try {
    for (const { filter } of STORE_FILTERS) {
      const pageDesc = await timed(() => check(q.pageOf(store, { filter, sort: 'startedAt', order: 'desc', offset: 0, limit: 100 }), filter));
      const pageAsc = await timed(() => check(q.pageOf(store, { filter, sort: 'startedAt', order: 'asc', offset: 0, limit: 100 }), filter));
      let matched = NaN;
      const count = await timed(() => (matched = check(q.countOf(store, { filter }), filter).matched ?? NaN));
      const w = q.whereOf(store, undefined, filter);
      const pw = q.whereOf(store, undefined, filter, q.bodyPlan?.(store, { filter, sort: 'startedAt', order: 'desc' }));
      const plans = 'where' in w && 'where' in pw ? { page: planOf(store, pageSql(pw.where), [...pw.params]), count: planOf(store, countSql(w.where), w.params) } : null;
      results.set(filter, { matched, offline: { pageDesc, pageAsc, count }, plans });
    }
  } finally {
    store.close();
  }
  return { openMs, results };
}
