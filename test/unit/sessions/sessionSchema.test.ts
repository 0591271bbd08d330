// The session schema and the filter translation by hand: a table of filters and
// the exchanges they match in SQL, which indexes a first page uses (from the
// plan's text), and the stored state read back with fromState.
import { gzipSync } from 'node:zlib';
import sqlite from 'node-sqlite3-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { filterSql, flagsWithoutSql, registerFilterFunctions } from '../../../electron/core/addons/sessions/filterSql.js';
import { createSchema, createSession, exchangeOfRow, insertExchange, STORED_BODIES } from '../../../electron/core/addons/sessions/schema.js';
import { exchangeTarget } from '../../../electron/core/filter/exchangeTarget.js';
import { compileFilter, parseFilter } from '../../../electron/core/filter/index.js';
import type { Exchange } from '../../../electron/core/flow/exchange.js';
import { Db } from '../../../electron/core/sqliteDb.js';
import { body, exchange, exchangeFields } from '../../support/exchanges.js';
import { randomExchange, rng } from './randomTraffic.js';

const fixed: Exchange[] = [
  exchange({
    id: 'A',
    method: 'GET',
    url: 'https://api.example.com/v1/users?id=42',
    reqHeaders: [['Host', 'api.example.com'], ['Accept', 'application/json']],
    status: 200,
    resHeaders: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']],
    resBody: body(gzipSync('{"greeting":"hello world"}')),
    startedAt: 1000,
    endedAt: 1150,
    meta: { delivery: 'sent' },
  }),
  exchange({
    id: 'B',
    method: 'POST',
    url: 'http://shop.test:8080/cart',
    reqHeaders: [['Host', 'shop.test:8080'], ['X-Note', 'Straße']],
    reqBody: body('item=1'),
    status: 503,
    resHeaders: [['Content-Type', 'text/html']],
    resBody: body('error: 100%_off'),
    startedAt: 2000,
    endedAt: 4500,
  }),
  exchange({ id: 'C', method: 'GET', url: 'https://api.example.com/stream', status: null, startedAt: 3000, responseStartedAt: null, endedAt: null }),
  exchange({ id: 'D', method: 'PUT', url: 'http://down.test/x', status: null, error: 'ECONNRESET', startedAt: 4000, responseStartedAt: null, endedAt: 4010, meta: { delivery: 'failed' } }),
  { ...exchange({ id: 'E', method: 'get', url: 'http://api.example.com/missing', status: 404, resHeaders: [['content-type', 'TEXT/PLAIN']], resBody: body('ÉCOLE naïve'), startedAt: 5000, endedAt: 5001 }), origin: 'import' },
];
fixed[1] = { ...fixed[1]!, origin: 'replay' };
fixed[3] = { ...fixed[3]!, origin: 'collected' };

const db = new sqlite.Database();
afterAll(() => db.close());
registerFilterFunctions(db);
createSchema(db);
const session = createSession(db, 'fixed', 0);
for (const ex of fixed) insertExchange(db, session, ex);

const tree = (filter: string) => {
  const p = parseFilter(filter);
  if (!p.ok) throw new Error(`${filter}: ${p.error.message}`);
  return p.filter;
};

function sqlMatches(filter: string): string {
  const { where, params } = filterSql(tree(filter));
  return db
    .all(`SELECT id FROM exchanges WHERE session = ? AND (${where}) ORDER BY id`, [session, ...params])
    .map((r) => String(r.id))
    .join('');
}

const table: Array<[string, string]> = [
  ['', 'ABCDE'],
  ['method=get', 'ACE'],
  ['method!=GET', 'BD'],
  ['host=API.example.com', 'ACE'],
  ['host*=shop', 'B'],
  ['status>=500 host*=shop', 'B'],
  ['status=4xx or status=5xx', 'BE'],
  // a missing value satisfies no comparison, so != and not hold for it
  ['status!=200', 'BCDE'],
  ['not size>0', 'CD'],
  ['duration>=1s', 'B'],
  ['not duration<1s', 'BC'],
  ['type=json', 'A'],
  ['type!=json', 'BCDE'],
  ['type=plain', 'E'],
  ['delivery=none', 'BCE'],
  ['delivery!=sent', 'BCDE'],
  ['is:pending', 'C'],
  ['is:error', 'D'],
  ['is:replay', 'B'],
  ['is:imported', 'E'],
  ['is:collected', 'D'],
  ['-is:replay -is:imported -is:collected', 'AC'],
  ['~q', 'CD'],
  ['resbody*="hello world"', 'A'],
  ['body*=ITEM', 'B'],
  ['body~="^error: \\d+%"', 'B'],
  // LIKE's wildcards are the value's own characters
  ['resbody*="100%_off"', 'B'],
  ['resbody*="100%-off"', ''],
  ['path*=_', ''],
  ['resbody*=école', 'E'],
  ['resbody*=ECOLE', ''],
  ['header[x-note]*=STRASSE', ''],
  ['header[x-note]*=straße', 'B'],
  ['resheader[set-cookie]=b=2', 'A'],
  ['reqheader[set-cookie]', ''],
  ['header[SET-COOKIE]', 'A'],
  ['~h "^set-cookie: a"', 'A'],
  ['resheader*="content-type: text/"', 'BE'],
  ['"example.com/v1"', 'A'],
  ['404', 'E'],
  ['~d ^api\\. & !~c 200', 'CE'],
];

describe('session schema and filter → SQL', () => {
  it.each(table)('%s matches %s (and the in-memory matcher agrees)', (filter, expected) => {
    expect(sqlMatches(filter)).toBe(expected);
    const match = compileFilter(tree(filter));
    expect(fixed.filter((ex) => match(exchangeTarget(ex))).map((ex) => ex.id).join('')).toBe(expected);
  });

  it('has SQL for every flag of the language', () => {
    expect(flagsWithoutSql()).toEqual([]);
  });

  it('binds every value as a parameter', () => {
    const { where, params } = filterSql(tree(`url*="x' OR 1=1 --" host=a.test header[x-y]^=z`));
    expect(where).not.toContain('OR 1=1');
    expect(where).not.toContain('a.test');
    expect(params).toEqual(expect.arrayContaining(["%x' or 1=1 --%", 'a.test', 'x-y']));
  });

  /** The plan of a first page: the store's query shape. */
  const plan = (filter: string): string => {
    const { where, params } = filterSql(tree(filter));
    const sql = `SELECT id FROM exchanges WHERE session = ? AND (${where}) ORDER BY started_at DESC LIMIT 50`;
    return db
      .all(`EXPLAIN QUERY PLAN ${sql}`, [session, ...params])
      .map((r) => String(r.detail))
      .join('\n');
  };

  it.each([
    ['status>=500 host*=api', /SEARCH exchanges USING (COVERING )?INDEX exchanges_(status|time) \(session=\?/],
    ['method=POST', /SEARCH exchanges USING (COVERING )?INDEX exchanges_method \(session=\? AND method=\?\)/],
    ['host=api.example.com', /SEARCH exchanges USING (COVERING )?INDEX exchanges_host \(session=\? AND host=\?\)/],
    ['duration>1s', /SEARCH exchanges USING (COVERING )?INDEX exchanges_(duration_ms|time) \(session=\?/],
    ['body*=hello', /SCAN bodies VIRTUAL TABLE INDEX 0:M/],
    ['resbody*="100%_off"', /SCAN bodies VIRTUAL TABLE INDEX 0:M/],
  ])('%s uses an index: %s', (filter, expected) => {
    const text = plan(filter);
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/^SCAN exchanges$/m);
  });

  it('reads header filters from the rows an index selects, not from a table of its own', () => {
    expect(plan('host=api.example.com header[set-cookie]')).toMatch(/SEARCH exchanges USING INDEX exchanges_host[^\n]*\n.*SCAN h/);
  });

  it('stores the state, which fromState reads back as the exchange', () => {
    const r = rng(7);
    const exchanges = [...fixed, ...Array.from({ length: 40 }, (_, i) => randomExchange(r, 1000 + i))];
    const other = createSession(db, 'round trip', 1);
    for (const ex of exchanges.slice(fixed.length)) insertExchange(db, other, ex);
    const rows = db.all(`SELECT id, state, ${STORED_BODIES} FROM exchanges ORDER BY seq`);
    expect(rows.map((row) => row.id)).toEqual(exchanges.map((ex) => ex.id));
    rows.forEach((row, i) => expect(exchangeFields(exchangeOfRow(row))).toEqual(exchangeFields(exchanges[i]!)));
  });

  it('keeps a body that is its own text once, and compressed, NUL-holding or cut bodies as their bytes', () => {
    const s = createSession(db, 'bodies once', 2);
    const nul = Buffer.from('a\0b');
    const cut = body(Buffer.from('Straße'), 5); // the cap falls inside ß
    const cases: Exchange[] = [
      exchange({ id: 'once', reqBody: body('{"q":1}'), resBody: body('<p>école</p>') }),
      exchange({ id: 'empty', reqBody: body(''), resBody: body('') }),
      exchange({ id: 'nul', resBody: body(nul) }),
      exchange({ id: 'cut', resBody: cut }),
      exchange({ id: 'gzip', resHeaders: [['Content-Encoding', 'gzip']], resBody: body(gzipSync('zipped')) }),
    ];
    for (const ex of cases) insertExchange(db, s, ex);
    const stored = (id: string) => db.all('SELECT length(req_body) AS req, length(res_body) AS res FROM exchanges WHERE id = ?', [id])[0];
    expect(stored('once')).toEqual({ req: 0, res: 0 });
    expect(stored('nul')!.res).toBe(3);
    expect(stored('cut')!.res).toBe(5);
    expect(stored('gzip')!.res).toBeGreaterThan(0);
    for (const ex of cases) {
      const row = db.all(`SELECT state, ${STORED_BODIES} FROM exchanges WHERE id = ?`, [ex.id])[0]!;
      const back = exchangeOfRow(row);
      expect(back.request.body.bytes()).toEqual(ex.request.body.bytes());
      expect(back.response!.body.bytes()).toEqual(ex.response!.body.bytes());
      expect(exchangeFields(back)).toEqual(exchangeFields(ex));
    }
  });

  it("the project's Db wrapper carries the schema and the filter's SQL functions", () => {
    const wrapped = new Db(null);
    try {
      registerFilterFunctions(wrapped);
      createSchema(wrapped);
      const id = createSession(wrapped, 'wrapped', 0);
      for (const ex of fixed) insertExchange(wrapped, id, ex);
      const { where, params } = filterSql(tree('url~=users|missing resbody*="école"'));
      const rows = wrapped.all(`SELECT id FROM exchanges WHERE (${where}) ORDER BY id`, params as never);
      expect(rows.map((r) => String(r.id))).toEqual(['E']);
    } finally {
      wrapped.close();
    }
  });
});
