// Counting what a filter selects in the session store. Most counts are one
// statement over an index. A body value common enough to be tested row by row
// (commonBody) is counted in ranges of rows instead: each range is a step, and
// the session worker answers other queries and commits between steps, so a
// page asked while a long count runs is not kept waiting behind it. A quick
// count of such a value stops at COMMON_BODY_ROWS matches and says so
// (atLeast): the UI shows "10,000+" at once, then the exact count when it comes.
import type { CountQuery, QueryCount } from '../../api.js';
import type { FilterPlan } from './filterSql.js';
import type { SessionDb } from './sessionDb.js';
import { COMMON_BODY_ROWS, commonBody, isProblem, whereOf } from './sessionQueries.js';

/** Rows per step of a row-by-row count: each reads up to this many bodies. */
export const COUNT_STEP_ROWS = 50_000;

/**
 * The count, one range of rows per step (a yield); the generator's value is the answer. The rows are
 * those stored when the count began: rows written between steps are left to the next count, as rows
 * written after a one-statement count would be.
 */
export function* countSteps(store: SessionDb, q: CountQuery, { stepRows = COUNT_STEP_ROWS, commonAt = COMMON_BODY_ROWS } = {}): Generator<void, QueryCount, undefined> {
  let rowByRow = false;
  const probe = commonBody(store, commonAt);
  const plan: FilterPlan = {
    commonBody: (query) => {
      const common = probe(query);
      rowByRow ||= common;
      return common;
    },
  };
  const w = whereOf(store, q.session, q.filter, plan);
  if (isProblem(w)) return w;
  const total = totalOf(store, q.session);
  if (!rowByRow) return { ok: true, matched: Number(store.db.get(`SELECT COUNT(*) AS n FROM exchanges WHERE ${w.where}`, w.params)?.n ?? 0), total };
  const last = Number(store.db.get('SELECT COALESCE(MAX(seq), 0) AS n FROM exchanges')?.n ?? 0);
  let matched = 0;
  // NOT INDEXED: each step walks its range of seq (the rowid); an index on the session would walk all of it every step.
  const range = `FROM exchanges NOT INDEXED WHERE seq > ? AND seq <= ? AND ${w.where}`;
  const sql = q.quick ? `SELECT COUNT(*) AS n FROM (SELECT 1 ${range} LIMIT ?)` : `SELECT COUNT(*) AS n ${range}`;
  for (let from = 0; from < last; from += stepRows) {
    if (from > 0) yield;
    const params = [from, Math.min(from + stepRows, last), ...w.params, ...(q.quick ? [commonAt - matched] : [])];
    matched += Number(store.db.get(sql, params)?.n ?? 0);
    if (q.quick && matched >= commonAt) return { ok: true, matched, total, atLeast: true };
  }
  return { ok: true, matched, total };
}

/** The count in one go (the CLI, tests). */
export function countOf(store: SessionDb, q: CountQuery): QueryCount {
  const steps = countSteps(store, q);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function totalOf(store: SessionDb, session: CountQuery['session']): number {
  const scope = session === 'all' ? null : session === undefined || session === 'current' ? store.current : session;
  if (scope === null) return store.size.exchanges;
  if (store.importing.has(scope)) return 0;
  return Number(store.db.get('SELECT exchanges FROM sessions WHERE id = ?', [scope])?.exchanges ?? 0);
}
