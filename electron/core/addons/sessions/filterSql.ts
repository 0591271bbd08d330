// A filter's syntax tree → a WHERE clause over the session schema (schema.ts),
// meaning what compileFilter means over exchangeTarget: the agreement test
// (test/unit/sessions/agreement.test.ts) checks the two against each other.
//
// Three things keep them equal:
// - NULL: every leaf is built never to be NULL (a nullable column is guarded
//   with `col IS NOT NULL AND …`, which is 0, not NULL, when it is missing), so
//   NOT over a missing value is true, as `!=` wants.
// - Case: SQLite's LIKE and NOCASE fold ASCII only, JS's toLowerCase all of
//   Unicode. For an ASCII value they agree, except on data holding U+0130 (İ) or
//   U+212A (Kelvin K), the only characters JS lower-cases to ASCII. A value with
//   any other character is compared by filter_text, a SQL function that runs
//   the in-memory matcher itself (exact, but reads every row).
// - Regular expressions: REGEXP is the in-memory matcher too (flags `is`).
import type { Database, SQLiteValue } from 'node-sqlite3-wasm';
import type { FilterNode, HeaderNode, NumberNode, TextField, TextNode, TextOp } from '../../filter/ast.js';
import { compileFilter, type FilterPredicate } from '../../filter/match.js';
import type { FilterTarget } from '../../filter/target.js';
import { FLAG_NAMES } from '../../filter/vocabulary.js';
import { REQUEST_SIDE, RESPONSE_SIDE, sqlText } from './schema.js';

export interface FilterSql {
  /** Over the exchanges table, unqualified (`SELECT … FROM exchanges WHERE session = ? AND (where)`). */
  where: string;
  params: SQLiteValue[];
}

/** How body values are looked up; without commonBody, every body value goes through the trigram index. */
export interface FilterPlan {
  /** Whether the index holds many rows for this FTS query (trigramQuery's), so that a page would read most of them. */
  commonBody?: (ftsQuery: string) => boolean;
}

export function filterSql(node: FilterNode, plan: FilterPlan = {}): FilterSql {
  const params: SQLiteValue[] = [];
  const where = clause(node, params, plan);
  return { where, params: params.map((v) => (typeof v === 'string' ? sqlText(v) : v)) };
}

/** How a column holds its text: compared ASCII-folded (LIKE, NOCASE), or already lower-cased by JS (so LIKE and = are exact for any value). */
// exact: `=` compares as written, on the column's own index (an id); the other operators as nocase.
type Style = 'nocase' | 'lowered' | 'exact';

interface Column {
  expr: string;
  style: Style;
  nullable: boolean;
}

const textColumns: Record<Exclude<TextField, 'body' | 'reqbody' | 'resbody'>, Column> = {
  id: { expr: 'id', style: 'exact', nullable: false },
  method: { expr: 'method', style: 'nocase', nullable: false },
  url: { expr: 'url', style: 'nocase', nullable: false },
  host: { expr: 'host', style: 'lowered', nullable: false },
  path: { expr: 'path', style: 'nocase', nullable: false },
  query: { expr: 'query', style: 'nocase', nullable: false },
  protocol: { expr: 'protocol', style: 'lowered', nullable: false },
  type: { expr: 'content_type', style: 'nocase', nullable: true },
  // `delivery=none` is "not forwarded", a NULL column; the states are stored in lower case.
  delivery: { expr: "COALESCE(delivery, 'none')", style: 'lowered', nullable: false },
};

const bodyColumns: Record<'body' | 'reqbody' | 'resbody', Array<'req' | 'res'>> = { body: ['req', 'res'], reqbody: ['req'], resbody: ['res'] };

const numberColumns: Record<NumberNode['field'], { expr: string; nullable: boolean }> = {
  status: { expr: 'status', nullable: true },
  size: { expr: 'res_size', nullable: true },
  reqsize: { expr: 'req_size', nullable: false },
  duration: { expr: 'duration_ms', nullable: true },
  port: { expr: 'port', nullable: false },
};

/** SQL for each flag of vocabulary.ts; a test checks that every flag has one. */
export const FLAG_SQL: Readonly<Record<string, string>> = {
  error: '(error IS NOT NULL)',
  pending: '(pending = 1)',
  response: '(status IS NOT NULL)',
  ws: "(protocol IN ('ws', 'wss'))",
  // Pins are meta, kept in the state: few, and read where they are.
  pinned: "(json_extract(state, '$.meta.pinned') IS 1)",
  browser: "(json_extract(state, '$.meta.client') IS NOT NULL)",
  // The origin has no column of its own: few exchanges are not the proxy's, and
  // a filter by origin reads the state it is kept in. IS, not =, so a state
  // without one is 0, not NULL.
  replay: "(json_extract(state, '$.origin') IS 'replay')",
  imported: "(json_extract(state, '$.origin') IS 'import')",
  collected: "(json_extract(state, '$.origin') IS 'collected')",
};

function clause(node: FilterNode, p: SQLiteValue[], plan: FilterPlan): string {
  switch (node.type) {
    case 'all':
      return '1';
    case 'and':
      return node.items.length === 0 ? '1' : `(${node.items.map((n) => clause(n, p, plan)).join(' AND ')})`;
    case 'or':
      return node.items.length === 0 ? '0' : `(${node.items.map((n) => clause(n, p, plan)).join(' OR ')})`;
    case 'not':
      return `(NOT ${clause(node.item, p, plan)})`;
    case 'search':
      return search(node.value, p);
    case 'text':
      return textNode(node, p, plan);
    case 'header':
      return header(node, p);
    case 'number':
      return numberNode(node, p);
    case 'flag': {
      const sql = FLAG_SQL[node.flag];
      if (sql === undefined) throw new Error(`no SQL for flag is:${node.flag}`);
      return sql;
    }
  }
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);
const likeEscaped = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const hasWildcard = (s: string): boolean => /[\\%_]/.test(s);

/** The LIKE pattern for a text operator (not `~=`), value lower-cased. */
function likePattern(op: Exclude<TextOp, '~='>, value: string): string {
  const v = likeEscaped(value.toLowerCase());
  return op === '=' ? v : op === '*=' ? `%${v}%` : op === '^=' ? `${v}%` : `%${v}`;
}

/** `expr LIKE ?`, with ESCAPE only when the value needs it. */
function like(expr: string, op: Exclude<TextOp, '~='>, value: string, p: SQLiteValue[]): string {
  p.push(likePattern(op, value));
  return hasWildcard(value) ? `${expr} LIKE ? ESCAPE '\\'` : `${expr} LIKE ?`;
}

/** A text comparison that is never NULL. */
function text(col: Column, op: TextOp, value: string, p: SQLiteValue[]): string {
  const { expr, style, nullable } = col;
  if (op === '~=') {
    p.push(value);
    return `(${expr} REGEXP ?)`;
  }
  if (style === 'exact' && op === '=') {
    p.push(value);
    return `(${expr} = ?)`;
  }
  if (style !== 'lowered' && !isAscii(value)) {
    p.push(op, value);
    return `filter_text(?, ?, ${expr})`;
  }
  let sql: string;
  if (op === '=') {
    p.push(value.toLowerCase());
    sql = style === 'lowered' ? `${expr} = ?` : `${expr} = ? COLLATE NOCASE`;
  } else sql = like(expr, op, value, p);
  return nullable ? `(${expr} IS NOT NULL AND ${sql})` : `(${sql})`;
}

function textNode(node: TextNode, p: SQLiteValue[], plan: FilterPlan): string {
  if (node.field === 'body' || node.field === 'reqbody' || node.field === 'resbody') return body(bodyColumns[node.field], node.op, node.value, p, plan);
  return text(textColumns[node.field], node.op, node.value, p);
}

/**
 * Bodies. The text is in body_text; the trigram index (bodies) covers rows up
 * to store.indexed. For an ASCII value of 3+ characters the index gives the
 * rows holding its trigrams (folded, so every row LIKE wants is among them),
 * rows past the index are read, and LIKE decides on the text. Shorter values,
 * regular expressions and other text read every body.
 */
function body(cols: Array<'req' | 'res'>, op: TextOp, value: string, p: SQLiteValue[], plan: FilterPlan): string {
  const sub = (cond: string) => `(seq IN (SELECT seq FROM body_text WHERE ${cond}))`;
  if (op === '~=') {
    cols.forEach(() => p.push(value));
    return sub(cols.map((c) => `${c} REGEXP ?`).join(' OR '));
  }
  if (!isAscii(value)) {
    cols.forEach(() => p.push(op, value));
    return sub(cols.map((c) => `filter_text(?, ?, ${c})`).join(' OR '));
  }
  const query = value.length >= 3 ? trigramQuery(value) : null;
  const likes = () => cols.map((c) => like(c, op, value, p)).join(' OR ');
  // A common value: each row's own text is tested as the rows are read, so a
  // page read in index order stops once it is full instead of first
  // collecting every match (docs/query.md, "Body filters").
  if (query !== null && plan.commonBody?.(query)) return `(EXISTS (SELECT 1 FROM body_text WHERE body_text.seq = exchanges.seq AND (${likes()})))`;
  if (query === null) return sub(likes());
  p.push(query);
  return sub(`(seq IN (SELECT rowid FROM bodies WHERE bodies MATCH ?) OR seq > (SELECT value FROM store WHERE key = 'indexed')) AND (${likes()})`);
}

/** An FTS5 query for the rows holding the value's trigrams: at most a dozen, spread along it, narrow as well as all. */
export function trigramQuery(value: string): string {
  const grams: string[] = [];
  for (let i = 0; i + 3 <= value.length; i++) grams.push(value.slice(i, i + 3));
  const picked = grams.length <= 12 ? grams : Array.from({ length: 12 }, (_, k) => grams[Math.round((k * (grams.length - 1)) / 11)]!);
  return [...new Set(picked)].map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ');
}

// Headers are the row's JSONB array of [name lower-cased, side, value] (schema.ts).
const headerValue: Column = { expr: '(h.value ->> 2)', style: 'nocase', nullable: false };
// Names are stored lower-cased; HTTP names are ASCII tokens, for which a line
// with the name in lower case compares as the one with it as sent (the matcher
// lower-cases the line, or its regular expression ignores case).
const headerLine: Column = { expr: "((h.value ->> 0) || ': ' || (h.value ->> 2))", style: 'nocase', nullable: false };
const someHeader = (cond: string) => `(EXISTS (SELECT 1 FROM json_each(exchanges.headers) AS h WHERE ${cond}))`;

function sideOf(side: HeaderNode['side']): string | null {
  return side === 'request' ? `(h.value ->> 1) = ${REQUEST_SIDE}` : side === 'response' ? `(h.value ->> 1) = ${RESPONSE_SIDE}` : null;
}

function header(node: HeaderNode, p: SQLiteValue[]): string {
  const side = sideOf(node.side);
  const conds: string[] = side === null ? [] : [side];
  if (node.name === null) {
    if (node.op === 'present') return side === null ? '(json_array_length(exchanges.headers) > 0)' : someHeader(side);
    return someHeader([text(headerLine, node.op, node.value, p), ...conds].join(' AND '));
  }
  p.push(node.name);
  conds.unshift('(h.value ->> 0) = ?');
  if (node.op !== 'present') conds.push(text(headerValue, node.op, node.value, p));
  return someHeader(conds.join(' AND '));
}

/** Bare text: contained in the URL, method, status or a header value of either side (not bodies). */
function search(value: string, p: SQLiteValue[]): string {
  const parts = [
    text(textColumns.url, '*=', value, p),
    text(textColumns.method, '*=', value, p),
    text({ expr: 'CAST(status AS TEXT)', style: 'nocase', nullable: true }, '*=', value, p),
    someHeader(text(headerValue, '*=', value, p)),
  ];
  return `(${parts.join(' OR ')})`;
}

function numberNode(node: NumberNode, p: SQLiteValue[]): string {
  const { expr, nullable } = numberColumns[node.field];
  let sql: string;
  switch (node.op) {
    case '=':
      // One value (status=404) as equality, so an index ending in started_at also gives the order.
      if (node.min === node.max) {
        p.push(node.min);
        sql = `${expr} = ?`;
      } else {
        p.push(node.min, node.max);
        sql = `${expr} BETWEEN ? AND ?`;
      }
      break;
    case '>':
      p.push(node.max);
      sql = `${expr} > ?`;
      break;
    case '>=':
      p.push(node.min);
      sql = `${expr} >= ?`;
      break;
    case '<':
      p.push(node.min);
      sql = `${expr} < ?`;
      break;
    case '<=':
      p.push(node.max);
      sql = `${expr} <= ?`;
      break;
  }
  return nullable ? `(${expr} IS NOT NULL AND ${sql})` : `(${sql})`;
}

/** The in-memory matcher for one text test, on a target that has only that text. */
function jsTextTest(op: TextOp, value: string): (s: string) => boolean {
  const test: FilterPredicate = compileFilter({ type: 'text', field: 'method', op, value });
  return (s) => test({ method: s } as FilterTarget);
}

/**
 * Registers what the WHERE clauses call: REGEXP (`x REGEXP re`, SQLite calls
 * regexp(re, x)) and filter_text(op, value, x), both the in-memory matcher;
 * NULL never matches and neither returns NULL.
 */
export function registerFilterFunctions(db: { function(...args: Parameters<Database['function']>): unknown }): void {
  const cache = new Map<string, (s: string) => boolean>();
  const cached = (op: TextOp, value: string) => {
    const key = `${op}\u0000${value}`;
    let test = cache.get(key);
    if (test === undefined) {
      if (cache.size >= 256) cache.clear();
      cache.set(key, (test = jsTextTest(op, value)));
    }
    return test;
  };
  db.function('regexp', (re, s) => (typeof s === 'string' && cached('~=', String(re))(s) ? 1 : 0), { deterministic: true });
  db.function('filter_text', (op, value, s) => (typeof s === 'string' && cached(String(op) as TextOp, String(value))(s) ? 1 : 0), { deterministic: true });
}

/** Flags the language has that FLAG_SQL lacks (a test keeps this empty). */
export const flagsWithoutSql = (): string[] => FLAG_NAMES.filter((f) => !Object.hasOwn(FLAG_SQL, f));
