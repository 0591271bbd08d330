// Syntax tree → predicate over a FilterTarget, compiled once per filter
// (values lowered, regular expressions built) and run per exchange.
// Text compares without case; a missing value (null) satisfies no comparison.
import type { FilterNode, HeaderNode, NumberNode, TextField, TextNode, TextOp } from './ast.js';
import type { FilterTarget } from './target.js';
import { flagNamed } from './vocabulary.js';
import type { HeaderPair } from '../api.js';

export type FilterPredicate = (target: FilterTarget) => boolean;
type TextTest = (s: string | null) => boolean;

export function compileFilter(node: FilterNode): FilterPredicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = node.items.map(compileFilter);
      return (t) => parts.every((p) => p(t));
    }
    case 'or': {
      const parts = node.items.map(compileFilter);
      return (t) => parts.some((p) => p(t));
    }
    case 'not': {
      const inner = compileFilter(node.item);
      return (t) => !inner(t);
    }
    case 'search':
      return searchPredicate(node.value);
    case 'text':
      return textPredicate(node);
    case 'header':
      return headerPredicate(node);
    case 'number':
      return numberPredicate(node);
    case 'flag': {
      const def = flagNamed(node.flag);
      if (def === undefined) throw new Error(`unknown flag is:${node.flag}`);
      return def.test;
    }
  }
}

/** Whether the target matches the (parsed) filter. Compile once instead when matching many. */
export function matchFilter(node: FilterNode, target: FilterTarget): boolean {
  return compileFilter(node)(target);
}

function textTest(op: TextOp, value: string): TextTest {
  const v = value.toLowerCase();
  switch (op) {
    case '=':
      return (s) => s !== null && s.toLowerCase() === v;
    case '*=':
      return (s) => s !== null && s.toLowerCase().includes(v);
    case '^=':
      return (s) => s !== null && s.toLowerCase().startsWith(v);
    case '$=':
      return (s) => s !== null && s.toLowerCase().endsWith(v);
    case '~=': {
      const re = new RegExp(value, 'is');
      return (s) => s !== null && re.test(s);
    }
  }
}

function searchPredicate(value: string): FilterPredicate {
  const has = textTest('*=', value);
  const inHeaders = (pairs: readonly HeaderPair[]) => pairs.some(([, v]) => has(v));
  return (t) =>
    has(t.url) || has(t.method) || (t.status !== null && has(String(t.status))) || inHeaders(t.requestHeaders) || inHeaders(t.responseHeaders);
}

const textFields: Record<TextField, (t: FilterTarget, test: TextTest) => boolean> = {
  id: (t, test) => test(t.id),
  method: (t, test) => test(t.method),
  url: (t, test) => test(t.url),
  host: (t, test) => test(t.host),
  path: (t, test) => test(t.path),
  query: (t, test) => test(t.query),
  protocol: (t, test) => test(t.protocol),
  type: (t, test) => test(t.contentType),
  body: (t, test) => test(t.requestBody) || test(t.responseBody),
  reqbody: (t, test) => test(t.requestBody),
  resbody: (t, test) => test(t.responseBody),
  delivery: (t, test) => test(t.delivery ?? 'none'),
};

function textPredicate(node: TextNode): FilterPredicate {
  // An id is an identifier: `id=` compares it as written (the store looks it up by its index).
  const test: TextTest = node.field === 'id' && node.op === '=' ? (s) => s === node.value : textTest(node.op, node.value);
  const field = textFields[node.field];
  return (t) => field(t, test);
}

function headerPredicate(node: HeaderNode): FilterPredicate {
  const { name } = node;
  const sides = (t: FilterTarget): Array<readonly HeaderPair[]> =>
    node.side === 'request' ? [t.requestHeaders] : node.side === 'response' ? [t.responseHeaders] : [t.requestHeaders, t.responseHeaders];
  if (node.op === 'present') return (t) => sides(t).some((pairs) => pairs.some(([n]) => n.toLowerCase() === name));
  const test = textTest(node.op, node.value);
  const pairTest =
    name === null ? ([n, v]: HeaderPair) => test(`${n}: ${v}`) : ([n, v]: HeaderPair) => n.toLowerCase() === name && test(v);
  return (t) => sides(t).some((pairs) => pairs.some(pairTest));
}

const numberFields: Record<NumberNode['field'], (t: FilterTarget) => number | null> = {
  status: (t) => t.status,
  size: (t) => t.responseSize,
  reqsize: (t) => t.requestSize,
  duration: (t) => t.durationMs,
  port: (t) => t.port,
};

function numberPredicate(node: NumberNode): FilterPredicate {
  const get = numberFields[node.field];
  const { min, max } = node;
  const test: (n: number) => boolean = {
    '=': (n: number) => n >= min && n <= max,
    '>': (n: number) => n > max,
    '>=': (n: number) => n >= min,
    '<': (n: number) => n < min,
    '<=': (n: number) => n <= max,
  }[node.op];
  return (t) => {
    const n = get(t);
    return n !== null && test(n);
  };
}
