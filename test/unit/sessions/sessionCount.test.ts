// Counts in the session store: a common body value is counted in steps over
// ranges of rows, and every way of counting gives the same number.
import { describe, expect, it } from 'vitest';
import { countSteps } from '../../../electron/core/addons/sessions/sessionCount.js';
import { SessionDb } from '../../../electron/core/addons/sessions/sessionDb.js';
import { body, exchange } from '../../support/exchanges.js';

const unbounded = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };

/** 60 exchanges in two sessions: "warehouse" in most bodies, "zanzibar" in a few, some only past the body index. */
function store(): SessionDb {
  const db = new SessionDb(null, unbounded);
  const said = (i: number) =>
    exchange({
      id: `c-${i}`,
      method: i % 4 === 0 ? 'POST' : 'GET',
      startedAt: 1000 + i,
      status: i % 5 === 0 ? 500 : 200,
      resBody: body(i % 7 === 0 ? `{"city":"Zanzibar ${i}"}` : i % 3 === 0 ? `{"note":"plain ${i}"}` : `{"site":"WAREHOUSE ${i}"}`),
    });
  db.write(Array.from({ length: 30 }, (_, i) => said(i)));
  while (db.indexBodies(50) > 0);
  db.startSession('second');
  db.write(Array.from({ length: 30 }, (_, i) => said(30 + i)));
  db.indexBodies(10); // the rest of the second session is past the index
  return db;
}

function run(db: SessionDb, q: Parameters<typeof countSteps>[1], opts: Parameters<typeof countSteps>[2]) {
  const steps = countSteps(db, q, opts);
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { answer: r.value, yields };
    yields++;
  }
}

describe('countSteps', () => {
  const db = store();
  const filters = ['body*=warehouse', 'resbody*=warehouse method=POST', 'body*=warehouse or body*=zanzibar', 'not body*=warehouse', 'body^=\'{"site"\'', 'body*=zanzibar', 'status=500', ''];

  it.each(filters)('%s: row by row in steps, and through the index in one statement, count the same', (filter) => {
    for (const session of ['current', 'all', 1] as const) {
      const oneGo = run(db, { session, filter }, { commonAt: Number.MAX_SAFE_INTEGER });
      const inSteps = run(db, { session, filter }, { commonAt: 3, stepRows: 7 });
      expect(oneGo.yields).toBe(0);
      expect(inSteps.answer).toEqual(oneGo.answer);
      expect(oneGo.answer).toMatchObject({ ok: true });
    }
  });

  it('counts a common body value in one step per range of rows, and other filters at once', () => {
    const common = run(db, { session: 'all', filter: 'body*=warehouse' }, { commonAt: 3, stepRows: 7 });
    // 60 rows, 7 per step: 9 steps, a yield between each two.
    expect(common.yields).toBe(8);
    expect(common.answer).toMatchObject({ ok: true, total: 60 });
    expect((common.answer as { matched: number }).matched).toBeGreaterThan(30);
    expect(run(db, { session: 'all', filter: 'status=500' }, { commonAt: 3, stepRows: 7 }).yields).toBe(0);
    expect(run(db, { session: 'all', filter: 'body*=zanzibar' }, { commonAt: 100, stepRows: 7 }).yields).toBe(0);
  });

  it('leaves rows written between steps to the next count', () => {
    const steps = countSteps(db, { session: 'all', filter: 'body*=warehouse' }, { commonAt: 3, stepRows: 7 });
    const before = run(db, { session: 'all', filter: 'body*=warehouse' }, { commonAt: Number.MAX_SAFE_INTEGER }).answer;
    expect(steps.next().done).toBe(false);
    db.write([exchange({ id: 'late', startedAt: 5000, resBody: body('warehouse late') })]);
    let r = steps.next();
    while (!r.done) r = steps.next();
    expect(r.value).toEqual(before);
  });

  it('a quick count of a common value stops at the bound and says it is a lower bound; other counts stay exact', () => {
    const exact = run(db, { session: 'all', filter: 'body*=warehouse' }, { commonAt: Number.MAX_SAFE_INTEGER }).answer as { matched: number; total: number };
    const quick = run(db, { session: 'all', filter: 'body*=warehouse', quick: true }, { commonAt: 3, stepRows: 7 });
    // Three matches are in the first 7 rows: one step, no yield, the bound reached exactly.
    expect(quick).toEqual({ answer: { ok: true, matched: 3, total: exact.total, atLeast: true }, yields: 0 });
    expect(exact.matched).toBeGreaterThan(3);
    // A bound the matches never reach: every range counted, exact, no atLeast.
    const big = run(db, { session: 'all', filter: 'body*=warehouse', quick: true }, { commonAt: 1000, stepRows: 7 });
    expect(big.answer).toEqual(exact);
    // Not a common value (counted through the index): exact at once, whatever the bound.
    expect(run(db, { session: 'all', filter: 'status=500', quick: true }, { commonAt: 3, stepRows: 7 }).answer).toEqual(
      run(db, { session: 'all', filter: 'status=500' }, {}).answer,
    );
  });

  it('a filter that does not parse is its error, with the column', () => {
    expect(run(db, { filter: 'status>=' }, {}).answer).toMatchObject({ ok: false, column: 9 });
  });
});
