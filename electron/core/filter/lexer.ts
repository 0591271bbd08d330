// Filter text → tokens: parentheses, and/or/not, and terms already built into
// nodes (a term's shape depends on its first characters: `"…"`, `~m …`,
// `is:…`, `field[NAME] op value`, or a bare word). Columns are 1-based.
//
// `&`, `|`, `!` and `-` are operators only where a word starts; inside a word
// or a value they are text (`query*=a&b`). Words and values end at white space
// or a parenthesis that does not close one they opened (`url~=(a|b)`).
import type { FilterNode } from './ast.js';
import { comparison, flag, FilterSyntaxError, mitm, mitmTakesValue, OPERATORS, type Operator, type Written } from './terms.js';
import { fieldNamed } from './vocabulary.js';

export type Token =
  | { kind: '(' | ')' | 'and' | 'or' | 'not'; column: number; text: string }
  | { kind: 'term'; column: number; text: string; node: FilterNode }
  | { kind: 'end'; column: number; text: string };

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const endsWord = (c: string | undefined): boolean => c === undefined || c === '(' || c === ')' || isSpace(c);
const identifier = /[A-Za-z_][A-Za-z0-9_]*/y;
const keywords: Record<string, 'and' | 'or' | 'not'> = { and: 'and', or: 'or', not: 'not', '&': 'and', '&&': 'and', '|': 'or', '||': 'or' };
const keywordOf = (word: string): 'and' | 'or' | 'not' | undefined => {
  const w = word.toLowerCase();
  return Object.hasOwn(keywords, w) ? keywords[w] : undefined;
};

export function tokenize(src: string): Token[] {
  return new Lexer(src).run();
}

class Lexer {
  private i = 0;
  private readonly out: Token[] = [];
  constructor(private readonly src: string) {}

  run(): Token[] {
    const { src } = this;
    for (;;) {
      this.i = this.skipSpace(this.i);
      const start = this.i;
      const column = start + 1;
      const c = src[start];
      if (c === undefined) {
        this.out.push({ kind: 'end', column, text: '' });
        return this.out;
      }
      if (c === '(' || c === ')') {
        this.out.push({ kind: c, column, text: c });
        this.i++;
      } else if (c === '&' || c === '|') {
        const text = src[start + 1] === c ? c + c : c;
        this.out.push({ kind: c === '&' ? 'and' : 'or', column, text });
        this.i += text.length;
      } else if (c === '!' && src[start + 1] === '=') {
        throw new FilterSyntaxError(column, 'missing field before `!=`');
      } else if (c === '!' || c === '-') {
        this.out.push({ kind: 'not', column, text: c });
        this.i++;
      } else if (c === '"' || c === "'") {
        const q = this.quoted(start);
        this.term(start, { type: 'search', value: q.text }, q.end);
      } else if (c === '~' && src[start + 1] !== '=') {
        this.mitm(start);
      } else {
        this.word(start);
      }
    }
  }

  private term(start: number, node: FilterNode, end: number): void {
    this.out.push({ kind: 'term', column: start + 1, text: this.src.slice(start, end), node });
    this.i = end;
  }

  private skipSpace(i: number): number {
    while (isSpace(this.src[i])) i++;
    return i;
  }

  /** The end of the run of word characters from `i`. */
  private runEnd(i: number): number {
    while (!endsWord(this.src[i])) i++;
    return i;
  }

  private operatorAt(i: number): Operator | undefined {
    return OPERATORS.find((op) => this.src.startsWith(op, i));
  }

  /** A quoted string from `start` (its quote): `\` escapes the quote and `\`; any other `\x` is kept as written. */
  private quoted(start: number): { text: string; end: number } {
    const { src } = this;
    const q = src[start]!;
    let text = '';
    for (let j = start + 1; j < src.length; j++) {
      const ch = src[j]!;
      if (ch === '\\' && (src[j + 1] === q || src[j + 1] === '\\')) text += src[++j];
      else if (ch === q) return { text, end: j + 1 };
      else text += ch;
    }
    throw new FilterSyntaxError(start + 1, 'unclosed quote');
  }

  /**
   * The value after an operator (or a mitmproxy code) that ends at `after`: quoted, or
   * up to white space or an unmatched `)`. Missing (end, `)`, or an and/or/not after
   * white space) is an error naming what it follows.
   */
  private value(after: number, follows: string): { value: Written; end: number } {
    const { src } = this;
    const start = this.skipSpace(after);
    const missing = () => new FilterSyntaxError(after + 1, `missing value after \`${follows}\``);
    const c = src[start];
    if (c === undefined || c === ')') throw missing();
    if (c === '"' || c === "'") {
      const q = this.quoted(start);
      return { value: { text: q.text, column: start + 2 }, end: q.end };
    }
    let depth = 0;
    let j = start;
    for (; j < src.length; j++) {
      const ch = src[j]!;
      if (isSpace(ch)) break;
      if (ch === '(') depth++;
      else if (ch === ')' && depth-- === 0) break;
    }
    const text = src.slice(start, j);
    if (start > after && keywordOf(text) !== undefined) throw missing();
    return { value: { text, column: start + 1 }, end: j };
  }

  /** `~code` and, for those that take one, its value. */
  private mitm(start: number): void {
    const end = this.runEnd(start + 1);
    const code = this.src.slice(start + 1, end);
    const takes = mitmTakesValue(code);
    if (takes === undefined) throw new FilterSyntaxError(start + 1, code === '' ? 'missing filter name after `~`' : `unknown filter \`~${code}\``);
    if (!takes) return this.term(start, mitm(code, null, start + 1), end);
    const { value, end: valueEnd } = this.value(end, `~${code}`);
    this.term(start, mitm(code, value, start + 1), valueEnd);
  }

  /** `is:flag`, `field[NAME] op value`, `header[NAME]`, or a bare word. */
  private word(start: number): void {
    const { src } = this;
    identifier.lastIndex = start;
    const ident = identifier.exec(src)?.[0];
    if (ident !== undefined) {
      let j = start + ident.length;
      if (ident.toLowerCase() === 'is' && src[j] === ':') {
        const end = this.runEnd(j + 1);
        return this.term(start, flag(src.slice(j + 1, end), start + 1), end);
      }
      let name: string | null = null;
      const nameAt = j + 1;
      if (src[j] === '[') {
        const close = src.indexOf(']', j + 1);
        if (close < 0) throw new FilterSyntaxError(j + 1, `unclosed \`[\` in \`${ident}[\``);
        name = src.slice(j + 1, close).trim();
        if (name === '') throw new FilterSyntaxError(j + 1, `missing header name in \`${ident}[]\``);
        j = close + 1;
      }
      const opAt = this.skipSpace(j);
      const op = this.operatorAt(opAt);
      if (op !== undefined) {
        const follows = `${ident}${name === null ? '' : `[${name}]`}${op}`;
        const { value, end } = this.value(opAt + op.length, follows);
        return this.term(start, comparison(ident, name, op, value, { field: start + 1, name: nameAt, op: opAt + 1 }), end);
      }
      if (name !== null && endsWord(src[j])) {
        const def = fieldNamed(ident.toLowerCase());
        if (def?.kind === 'header') return this.term(start, { type: 'header', side: def.side, name: name.toLowerCase(), op: 'present', value: '' }, j);
        if (def !== undefined) throw new FilterSyntaxError(nameAt, `\`${ident.toLowerCase()}\` takes no [NAME]; only header, reqheader and resheader do`);
      }
    }
    const op = this.operatorAt(start);
    if (op !== undefined) throw new FilterSyntaxError(start + 1, `missing field before \`${op}\``);
    const end = this.runEnd(start);
    const text = src.slice(start, end);
    const kw = keywordOf(text);
    if (kw !== undefined) {
      this.out.push({ kind: kw, column: start + 1, text });
      this.i = end;
    } else this.term(start, { type: 'search', value: text }, end);
  }
}
