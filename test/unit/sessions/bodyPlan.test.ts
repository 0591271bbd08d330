// pageOf's two plans for body values (docs/query.md, "Body filters"): a value
// the trigram index holds for many rows is tested row by row, a rare one
// through the index. Both must give the same pages, in the same order, for
// any sort, order, offset and scope (pageOf picks row by row only for start
// time in one session, but the SQL must be right for all), and the pages by
// start time must be what the in-memory matcher selects. Half the bodies are
// indexed, so both plans also meet rows past the index.
import { afterAll, describe, expect, it } from 'vitest';
import type { ExchangeQuery, SortColumn } from '../../../electron/core/api.js';
import type { FilterPlan } from '../../../electron/core/addons/sessions/filterSql.js';
import { SessionDb } from '../../../electron/core/addons/sessions/sessionDb.js';
import { bodyPlan, commonBody, pageOf, whereOf } from '../../../electron/core/addons/sessions/sessionQueries.js';
import { exchangeTarget } from '../../../electron/core/filter/exchangeTarget.js';
import { compileFilter, parseFilter } from '../../../electron/core/filter/index.js';
import type { Exchange } from '../../../electron/core/flow/exchange.js';
import { body, exchange } from '../../support/exchanges.js';

const COMMON_AT = 20;

function make(i: number): Exchange {
  const words = [i % 10 < 7 ? (i % 3 === 0 ? 'WAREHOUSE' : 'Warehouse') : 'ware house', i % 37 === 0 ? 'zanzibar' : 'x'];
  const inRequest = i % 5 === 0;
  const text = `${i % 4 === 0 ? '' : 'pre '}${words.join(' ')} #${i}`;
  // Start times tie in threes and every eleventh started earlier, so the order is not the rows' order.
  const startedAt = 1_700_000_000_000 + (i % 11 === 0 ? i - 50 : Math.floor(i / 3)) * 1000;
  return exchange({
    id: `ex-${i}`,
    method: ['GET', 'POST', 'PUT'][i % 3],
    url: `http://${['a', 'b', 'c', 'd'][i % 4]}.test/p/${i % 7}`,
    reqBody: body(inRequest ? text : ''),
    status: i % 13 === 0 ? null : [200, 404, 500, 201][i % 4],
    resBody: body(inRequest ? `${i}` : text),
    startedAt,
    responseStartedAt: startedAt + 1,
    endedAt: i % 9 === 0 ? null : startedAt + (i % 17) * 10,
  });
}

const unbounded = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
const store = new SessionDb(null, unbounded);
afterAll(() => store.close());
const first = Array.from({ length: 240 }, (_, i) => make(i));
store.write(first);
const firstSession = store.current;
const second = Array.from({ length: 60 }, (_, i) => make(1000 + i));
store.startSession('second');
store.write(second);
store.indexBodies(150);

const FILTERS = [
  'body*=warehouse',
  'resbody*=warehouse',
  'reqbody*=warehouse',
  'body*=zanzibar',
  'body*=warehouse method=POST',
  'body*=warehouse status>=400',
  'not body*=warehouse',
  '-body*=zanzibar',
  'body*=warehouse or host=b.test',
  'body*=warehouse body*=zanzibar',
  'body^=warehouse',
  'body*=WAREHOUSE -status=404 duration<100',
];
const SORTS: SortColumn[] = ['startedAt', 'status', 'host', 'durationMs', 'responseBytes'];

const ROW_BY_ROW: FilterPlan = { commonBody: () => true };
const INDEX: FilterPlan = {};

const ids = (q: ExchangeQuery, plan?: FilterPlan): string[] => {
  const page = pageOf(store, { limit: 25, ...q }, plan);
  if (!page.ok) throw new Error(page.error);
  return page.rows.map((r) => r.id);
};

/** The page by start time (ties in the order written) as the in-memory matcher selects it. */
function memoryPage(pool: Exchange[], filter: string, order: 'asc' | 'desc', offset: number): string[] {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const match = compileFilter(parsed.filter);
  const sorted = pool
    .map((ex, seq) => ({ ex, seq }))
    .filter(({ ex }) => match(exchangeTarget(ex)))
    .sort((a, b) => a.ex.timings.startedAt - b.ex.timings.startedAt || a.seq - b.seq);
  if (order === 'desc') sorted.reverse();
  return sorted.slice(offset, offset + 25).map(({ ex }) => ex.id);
}

describe('body filters: the row-by-row plan and the index plan', () => {
  it('a value in many indexed rows is common, a rare one is not; only pages by start time in one session ask', () => {
    const plan = { commonBody: commonBody(store, COMMON_AT) };
    const where = (filter: string) => (whereOf(store, 'current', filter, plan) as { where: string }).where;
    expect(where('body*=warehouse')).toContain('EXISTS');
    expect(where('not body*=warehouse')).toContain('EXISTS');
    expect(where('body*=zanzibar')).not.toContain('EXISTS');
    expect(where('body*=warehouse body*=zanzibar')).toMatch(/EXISTS.*MATCH/);
    expect(bodyPlan(store, {}).commonBody).toBeDefined();
    expect(bodyPlan(store, { session: firstSession, order: 'desc' }).commonBody).toBeDefined();
    expect(bodyPlan(store, { sort: 'status' }).commonBody).toBeUndefined();
    expect(bodyPlan(store, { session: 'all' }).commonBody).toBeUndefined();
  });

  it('pages by start time are what the in-memory matcher selects, in both plans, scopes and orders', () => {
    let nonEmpty = 0;
    for (const filter of FILTERS)
      for (const [session, pool] of [[firstSession, first], ['current', second]] as const)
        for (const order of ['asc', 'desc'] as const)
          for (const offset of [0, 30]) {
            const want = memoryPage(pool, filter, order, offset);
            const q: ExchangeQuery = { filter, session, order, offset, sort: 'startedAt' };
            for (const plan of [ROW_BY_ROW, INDEX, bodyPlan(store, q, COMMON_AT)]) expect(ids(q, plan), JSON.stringify(q)).toEqual(want);
            if (want.length > 0) nonEmpty++;
          }
    expect(nonEmpty).toBeGreaterThan(FILTERS.length * 4);
  });

  it('pages sorted by other columns, and across all sessions, are the same under either plan', () => {
    let nonEmpty = 0;
    for (const filter of FILTERS)
      for (const sort of SORTS)
        for (const session of [firstSession, 'all'] as const)
          for (const order of ['asc', 'desc'] as const)
            for (const offset of [0, 30]) {
              const q: ExchangeQuery = { filter, session, sort, order, offset };
              const want = ids(q, INDEX);
              if (want.length > 0) nonEmpty++;
              expect(ids(q, ROW_BY_ROW), JSON.stringify(q)).toEqual(want);
              expect(ids(q), JSON.stringify(q)).toEqual(want);
            }
    expect(nonEmpty).toBeGreaterThan(FILTERS.length * SORTS.length * 6);
  });
});
