// Tokens → syntax tree. `not` binds tightest, then `and` (also written `&`, or
// nothing: terms side by side), then `or` (`|`); parentheses group.
import type { FilterError, FilterNode, ParseResult } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { FilterSyntaxError } from './terms.js';

/** Parses a filter; the empty (or blank) filter matches everything. */
export function parseFilter(text: string): ParseResult {
  try {
    return { ok: true, filter: new Parser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: { column: e.column, message: e.message } };
    throw e;
  }
}

/** The error as the CLI prints it: `filter error at column N: …`. */
export function formatFilterError(error: FilterError): string {
  return `filter error at column ${error.column}: ${error.message}`;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    if (this.peek().kind === 'end') return { type: 'all' };
    const node = this.or();
    const next = this.peek();
    if (next.kind === ')') throw new FilterSyntaxError(next.column, 'unexpected `)` with no `(` before it');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private take(): Token {
    return this.tokens[this.pos++]!;
  }

  /** After an operator, an operand must follow. */
  private operandAfter(op: Token): void {
    const next = this.peek();
    if (next.kind === 'end' || next.kind === ')' || next.kind === 'and' || next.kind === 'or') {
      throw new FilterSyntaxError(next.column, `missing filter after \`${op.text}\``);
    }
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.peek().kind === 'or') {
      this.operandAfter(this.take());
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private and(): FilterNode {
    const items = [this.not()];
    for (;;) {
      const next = this.peek();
      if (next.kind === 'end' || next.kind === ')' || next.kind === 'or') break;
      if (next.kind === 'and') this.operandAfter(this.take());
      items.push(this.not());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private not(): FilterNode {
    const next = this.peek();
    if (next.kind !== 'not') return this.primary();
    this.operandAfter(this.take());
    return { type: 'not', item: this.not() };
  }

  private primary(): FilterNode {
    const t = this.take();
    switch (t.kind) {
      case 'term':
        return t.node;
      case '(': {
        if (this.peek().kind === ')') throw new FilterSyntaxError(t.column, 'empty parentheses');
        const inner = this.or();
        if (this.peek().kind !== ')') throw new FilterSyntaxError(t.column, 'unclosed parenthesis');
        this.take();
        return inner;
      }
      case ')':
        throw new FilterSyntaxError(t.column, 'unexpected `)` with no `(` before it');
      case 'and':
      case 'or':
        throw new FilterSyntaxError(t.column, `\`${t.text}\` with nothing before it`);
      default:
        throw new FilterSyntaxError(t.column, 'missing filter');
    }
  }
}
