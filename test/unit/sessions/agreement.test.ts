// Both ways of evaluating a filter agree: SQL over the session schema
// (filterSql, with body values through the index and row by row) and the
// in-memory matcher over exchangeTarget, for random filters over random
// exchanges (randomTraffic.ts), both seeded.
import sqlite from 'node-sqlite3-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { filterSql, registerFilterFunctions, type FilterPlan } from '../../../electron/core/addons/sessions/filterSql.js';
import { createSchema, createSession, indexBodies, insertExchange } from '../../../electron/core/addons/sessions/schema.js';
import { exchangeTarget } from '../../../electron/core/filter/exchangeTarget.js';
import { compileFilter, MITM_CODES, parseFilter, type FilterNode } from '../../../electron/core/filter/index.js';
import { toState } from '../../../electron/core/flow/state.js';
import { corpusOf, randomExchange, randomFilter, rng } from './randomTraffic.js';

const EXCHANGES = 300;
const FILTERS = 600;

const db = new sqlite.Database();
afterAll(() => db.close());
registerFilterFunctions(db);
createSchema(db);
const session = createSession(db, 'agreement', 0);
const r = rng(19);
const exchanges = Array.from({ length: EXCHANGES }, (_, i) => randomExchange(r, i));
db.exec('BEGIN');
for (const ex of exchanges) insertExchange(db, session, ex);
// Half the bodies indexed: body filters take both the index and the rows past it.
indexBodies(db, EXCHANGES / 2);
db.exec('COMMIT');
const targets = exchanges.map(exchangeTarget);
const corpus = corpusOf(targets);

// Every body value taken as common: the row-by-row plan pageOf picks for those.
const rowByRow: FilterPlan = { commonBody: () => true };

function sqlIds(filter: string, plan: FilterPlan = {}): Set<string> {
  const p = parseFilter(filter);
  if (!p.ok) throw new Error(`${filter}: ${p.error.message}`);
  const { where, params } = filterSql(p.filter, plan);
  return new Set(db.all(`SELECT id FROM exchanges WHERE session = ? AND (${where})`, [session, ...params]).map((row) => String(row.id)));
}

function memoryIds(filter: string): Set<string> {
  const p = parseFilter(filter);
  if (!p.ok) throw new Error(`${filter}: ${p.error.message}`);
  const match = compileFilter(p.filter);
  return new Set(exchanges.filter((_, i) => match(targets[i]!)).map((ex) => ex.id));
}

/** The first exchange the two disagree on, with what each said and the exchange's state. */
function disagreement(filter: string, sql: Set<string>, memory: Set<string>, plan: FilterPlan = {}): string {
  const id = [...sql, ...memory].find((x) => sql.has(x) !== memory.has(x))!;
  const ex = exchanges.find((e) => e.id === id)!;
  const where = filterSql((parseFilter(filter) as { ok: true; filter: Parameters<typeof filterSql>[0] }).filter, plan);
  return `filter ${JSON.stringify(filter)}\nSQL ${where.where} ${JSON.stringify(where.params)}\n${id}: SQL ${sql.has(id)}, in memory ${memory.has(id)}\n${JSON.stringify(toState(ex), null, 1)}`;
}

/** What a filter's tree uses: `text:url:*=`, `number:size:>`, `header:request:named:~=`, `flag:error`, `not`… */
function uses(node: FilterNode, out: Set<string>): Set<string> {
  switch (node.type) {
    case 'and':
    case 'or':
      out.add(node.type);
      node.items.forEach((n) => uses(n, out));
      break;
    case 'not':
      out.add('not');
      uses(node.item, out);
      break;
    case 'text':
    case 'number':
      out.add(`${node.type}:${node.field}:${node.op}`);
      break;
    case 'header':
      out.add(`header:${node.side}:${node.name === null ? 'line' : 'named'}:${node.op}`);
      break;
    case 'flag':
      out.add(`flag:${node.flag}`);
      break;
    default:
      out.add(node.type);
  }
  return out;
}

const TEXT_OPS = ['=', '*=', '^=', '$=', '~='];
const expectedUses = [
  'and', 'or', 'not', 'search', 'flag:error', 'flag:pending', 'flag:response', 'flag:replay', 'flag:imported', 'flag:collected',
  ...['method', 'url', 'host', 'path', 'query', 'protocol', 'body', 'reqbody', 'resbody'].flatMap((f) => TEXT_OPS.map((op) => `text:${f}:${op}`)),
  'text:type:*=', 'text:type:~=', 'text:delivery:=',
  ...['status', 'size', 'reqsize', 'duration', 'port'].flatMap((f) => ['=', '>', '>=', '<', '<='].map((op) => `number:${f}:${op}`)),
  ...['request', 'response', 'either'].flatMap((side) => [`header:${side}:named:present`, ...TEXT_OPS.flatMap((op) => [`header:${side}:named:${op}`, `header:${side}:line:${op}`])]),
];

describe('filter → SQL agrees with the in-memory matcher', () => {
  it(`on ${FILTERS} random filters over ${EXCHANGES} random exchanges`, () => {
    const fr = rng(2024);
    let some = 0;
    const used = new Set<string>();
    const texts: string[] = [];
    for (let n = 0; n < FILTERS; n++) {
      const filter = randomFilter(fr, corpus);
      texts.push(filter);
      const parsed = parseFilter(filter);
      if (parsed.ok) uses(parsed.filter, used);
      const memory = memoryIds(filter);
      for (const plan of [{}, rowByRow]) {
        const sql = sqlIds(filter, plan);
        if (sql.size !== memory.size || [...sql].some((id) => !memory.has(id))) expect.fail(disagreement(filter, sql, memory, plan));
      }
      if (memory.size > 0 && memory.size < EXCHANGES) some++;
    }
    // Not vacuous: most filters pick some exchanges and leave others.
    expect(some).toBeGreaterThan(FILTERS / 3);
    // Every node shape, field and operator came up, and every mitmproxy spelling.
    expect(expectedUses.filter((u) => !used.has(u))).toEqual([]);
    expect(MITM_CODES.filter((code) => !texts.some((t) => new RegExp(`~${code}( |$|\\))`).test(t)))).toEqual([]);
  });
});
