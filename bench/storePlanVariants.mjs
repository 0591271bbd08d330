// `node bench/storePlanVariants.mjs SESSIONS_DB [analyze]` (after the build): on a kept sessions.db
// (BENCH_STORE_KEEP), the first-page query of some indexed filters as pageOf builds it, timed with its plan,
// and variants: an exact status as `status = ?` instead of BETWEEN, and, with `analyze`, after ANALYZE
// (LIMIT=n: PRAGMA analysis_limit=n first). ANALYZE writes statistics into the file: use a copy you can spare.
import { SessionDb } from '../dist/electron/core/addons/sessions/sessionDb.js';
import { whereOf } from '../dist/electron/core/addons/sessions/sessionQueries.js';
const db = new SessionDb(process.argv[2], { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER }, { reader: true });
const COLS = 'id, session, started_at, method, url, status, pending, error, res_size, duration_ms, delivery, path, content_type, req_size, http_version';
const time = (sql, params) => { const ts = []; let n = 0; for (let i = 0; i < 4; i++) { const t = performance.now(); n = db.db.all(sql, params).length; ts.push(performance.now() - t); } ts.shift(); ts.sort((a, b) => a - b); return `${ts[1].toFixed(1)} ms (${n} rows)`; };
const plan = (sql, params) => db.db.all(`EXPLAIN QUERY PLAN ${sql}`, params).map((r) => r.detail).join('; ');
const page = (where) => `SELECT ${COLS} FROM exchanges WHERE ${where} ORDER BY started_at DESC, seq DESC LIMIT 100`;
const filters = ['status=201', 'status=404 size>500', 'method=DELETE host=auth.localhost status=404', 'method=POST status>=500', 'status>=400', 'host=cdn.localhost size<200', 'host=shop.localhost method=PUT'];
const run = (label) => {
  console.log(`== ${label}`);
  for (const f of filters) {
    const w = whereOf(db, undefined, f);
    // Variant: an exact number as = instead of BETWEEN x AND x.
    const eq = w.where.replace(/\(status IS NOT NULL AND status BETWEEN \? AND \?\)/g, '(status IS NOT NULL AND status = ?)');
    const eqParams = [];
    { const parts = w.where.split('?'); let skip = false; for (let k = 0; k < parts.length - 1; k++) { if (skip) { skip = false; continue; } eqParams.push(w.params[k]); if (/status BETWEEN $/.test(parts[k])) skip = true; } }
    console.log(`${f}\n  as built: ${time(page(w.where), w.params)}  | ${plan(page(w.where), w.params)}`);
    if (eq !== w.where) console.log(`  status = ?: ${time(page(eq), eqParams)}  | ${plan(page(eq), eqParams)}`);
    const count = `SELECT COUNT(*) AS n FROM exchanges WHERE ${w.where}`;
    console.log(`  count: ${time(count, w.params)} | ${plan(count, w.params)}`);
  }
};
run('no statistics');
if (process.argv[3] === 'analyze') {
  const t = performance.now(); db.db.exec(process.env.LIMIT ? `PRAGMA analysis_limit=${process.env.LIMIT}; ANALYZE;` : 'ANALYZE'); console.log(`ANALYZE took ${(performance.now() - t).toFixed(0)} ms`);
  run('after ANALYZE');
}
db.close();
