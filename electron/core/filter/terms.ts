// One comparison (`field[NAME] op value`), flag or mitmproxy spelling, checked
// and turned into its node: the field exists, the operator suits it, numbers and
// units parse, regular expressions compile.
import type { FilterNode, NumberOp, TextOp } from './ast.js';
import { fieldNamed, flagNamed, FLAG_NAMES, mitmNamed, typeSubstrings, type FieldDef, type UnitTable } from './vocabulary.js';

/** A syntax error at a 1-based column; parseFilter turns it into a FilterError. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** A value as written after an operator: its text (quotes removed) and where it starts. */
export interface Written {
  text: string;
  column: number;
}

/** The comparison operators, longest first (the lexer takes the first that fits). */
export const OPERATORS = ['!=', '*=', '^=', '$=', '~=', '>=', '<=', '==', '=', '>', '<'] as const;
export type Operator = (typeof OPERATORS)[number];

const numberOps = new Set<string>(['>', '>=', '<', '<=']);
const textOps = new Set<string>(['*=', '^=', '$=', '~=']);

/** Where the parts of a comparison start (1-based), for errors. */
export interface ComparisonAt {
  field: number;
  name: number;
  op: number;
}

export function comparison(fieldName: string, name: string | null, operator: Operator, value: Written, at: ComparisonAt): FilterNode {
  const key = fieldName.toLowerCase();
  const def = fieldNamed(key);
  if (def === undefined) throw new FilterSyntaxError(at.field, `unknown field \`${fieldName}\` (to search for text, quote it)`);
  if (name !== null && def.kind !== 'header') throw new FilterSyntaxError(at.name, `\`${key}\` takes no [NAME]; only header, reqheader and resheader do`);
  const negate = operator === '!=';
  const op = operator === '!=' || operator === '==' ? '=' : operator;
  if (numberOps.has(op) && def.kind !== 'number') throw new FilterSyntaxError(at.op, `\`${op}\` compares numbers, and \`${key}\` is text`);
  if (textOps.has(op) && def.kind === 'number') throw new FilterSyntaxError(at.op, `\`${op}\` compares text, and \`${key}\` is a number`);
  const node = build(def, key, name, op, value, at);
  return negate ? { type: 'not', item: node } : node;
}

function build(def: FieldDef, key: string, name: string | null, op: string, value: Written, at: ComparisonAt): FilterNode {
  switch (def.kind) {
    case 'number': {
      const [min, max] = parseNumber(def, key, value);
      return { type: 'number', field: def.field, op: op as NumberOp, min, max };
    }
    case 'enum': {
      if (op !== '=') throw new FilterSyntaxError(at.op, `\`${key}\` takes only = or !=`);
      const v = value.text.toLowerCase();
      if (!def.values.includes(v)) throw new FilterSyntaxError(value.column, `unknown ${key} state \`${value.text}\` (${def.values.join(', ')})`);
      return { type: 'text', field: def.field, op: '=', value: v };
    }
    case 'header':
      if (op === '~=') checkRegex(value);
      return { type: 'header', side: def.side, name: name === null ? null : name.toLowerCase(), op: op as TextOp, value: value.text };
    case 'text': {
      if (op === '~=') checkRegex(value);
      if (def.field === 'type' && op === '=') {
        const parts = typeSubstrings(value.text).map((s): FilterNode => ({ type: 'text', field: 'type', op: '*=', value: s }));
        return parts.length === 1 ? parts[0]! : { type: 'or', items: parts };
      }
      return { type: 'text', field: def.field, op: op as TextOp, value: value.text };
    }
  }
}

/** The range a number value stands for: `404` → [404, 404], `4xx` → [400, 499], `1k` → [1024, 1024]. */
function parseNumber(def: Extract<FieldDef, { kind: 'number' }>, key: string, value: Written): [number, number] {
  const text = value.text;
  const cls = /^(\d{1,2})(x{1,2})$/i.exec(text);
  if (cls !== null && text.length === 3) {
    if (!def.classes) throw new FilterSyntaxError(value.column, `classes like \`${text}\` are for status only`);
    const step = 10 ** cls[2]!.length;
    const min = Number(cls[1]) * step;
    return [min, min + step - 1];
  }
  const num = /^(\d+(?:\.\d+)?|\.\d+)([a-z]*)$/i.exec(text);
  if (num === null) {
    const wanted = def.classes ? 'a number or a class like 4xx' : def.units === null ? 'a number' : `a number with an optional unit (${def.unitNames})`;
    throw new FilterSyntaxError(value.column, `\`${text}\` is not a number: ${key} takes ${wanted}`);
  }
  const unit = num[2]!.toLowerCase();
  const factor = unitFactor(def.units, unit);
  if (factor === undefined) {
    const takes = def.units === null ? 'no unit' : def.unitNames;
    throw new FilterSyntaxError(value.column + num[1]!.length, `unknown unit \`${num[2]}\` in \`${text}\` (${key} takes ${takes})`);
  }
  const n = Number(num[1]) * factor;
  return [n, n];
}

function unitFactor(units: UnitTable | null, unit: string): number | undefined {
  if (unit === '') return 1;
  if (units === null || !Object.hasOwn(units, unit)) return undefined;
  return units[unit];
}

function checkRegex(value: Written): void {
  try {
    new RegExp(value.text, 'is');
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^.*: /, '') : String(e);
    throw new FilterSyntaxError(value.column, `bad regular expression \`${value.text}\`: ${why}`);
  }
}

/** `is:NAME`, at `column` (of the `is:`). */
export function flag(name: string, column: number): FilterNode {
  const key = name.toLowerCase();
  if (key === '') throw new FilterSyntaxError(column + 3, 'missing flag name after `is:`');
  if (flagNamed(key) === undefined) {
    throw new FilterSyntaxError(column, `unknown flag \`is:${name}\` (known: ${FLAG_NAMES.map((f) => `is:${f}`).join(', ')})`);
  }
  return { type: 'flag', flag: key };
}

/** Whether mitmproxy's `~code` takes a value; undefined when there is no such spelling. */
export function mitmTakesValue(code: string): boolean | undefined {
  const def = mitmNamed(code.toLowerCase());
  return def === undefined ? undefined : 'field' in def;
}

/** mitmproxy's `~code [value]`; `column` is the `~`'s. */
export function mitm(code: string, value: Written | null, column: number): FilterNode {
  const def = mitmNamed(code.toLowerCase());
  if (def === undefined) throw new FilterSyntaxError(column, `unknown filter \`~${code}\``);
  if ('flag' in def) {
    const node: FilterNode = { type: 'flag', flag: def.flag };
    return def.negate ? { type: 'not', item: node } : node;
  }
  if (value === null) throw new FilterSyntaxError(column, `missing value after \`~${code}\``);
  return comparison(def.field, def.name ?? null, def.op, value, { field: column, name: column, op: column });
}
