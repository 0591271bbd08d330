// What the filter box suggests for the word at the caret: field names and
// flags while a word is typed, the operators once it names a field, values
// after `field op` (delivery states from the language; hosts, methods,
// statuses and types from the traffic, which the caller asks the core for).
import { DELIVERY_VALUES, FIELD_NAMES, FILTER_HELP } from '../../../electron/core/filter/index';

export interface Suggestion {
  label: string;
  /** Replaces the text from `from` to `to`. */
  insert: string;
  detail: string;
}

export type ValueField = 'host' | 'method' | 'status' | 'type';

export interface SuggestionSet {
  from: number;
  to: number;
  items: Suggestion[];
  /** Values to ask the core for (filterSuggestions), shown after `items`. */
  ask?: { field: ValueField; prefix: string };
}

const fieldHelp = new Map(FILTER_HELP.fields.map((f) => [f.syntax.replace('[NAME]', ''), f]));
const NUMBER_OPS = ['=', '!=', '>', '>=', '<', '<='];
const TEXT_OPS = ['=', '!=', '*=', '^=', '$=', '~='];
const CHOICE_OPS = ['=', '!='];
const OP_HELP = new Map<string, string>(FILTER_HELP.operators.flatMap((o) => o.op.split(' ').map((op) => [op, o.help] as [string, string])));
const ASKED = new Set<string>(['host', 'method', 'status', 'type']);
/** Longest first, so `>=` is not read as `>`. */
const OPERATOR = /^([A-Za-z]+)(\[[^\]]*\])?(!=|\*=|\^=|\$=|~=|>=|<=|==|=|>|<)(.*)$/s;

/** A value as the language reads it back: quoted when it holds a space, a parenthesis or a quote. */
export function quoteValue(v: string): string {
  return v === '' || /[\s()"']/.test(v) ? `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"` : v;
}

function operatorsFor(field: string): string[] {
  const kind = fieldHelp.get(field)?.kind;
  return kind === 'number' ? NUMBER_OPS : kind === 'choice' ? CHOICE_OPS : TEXT_OPS;
}

/** Whether `before` ends inside a quote (an odd number of unescaped quotes of one kind). */
function openQuote(before: string): number | null {
  let quote: string | null = null;
  let at = -1;
  for (let i = 0; i < before.length; i++) {
    const c = before[i]!;
    if (quote && c === '\\') i++;
    else if (quote && c === quote) quote = null;
    else if (!quote && (c === '"' || c === "'")) {
      quote = c;
      at = i;
    }
  }
  return quote ? at : null;
}

/**
 * Suggestions for `text` with the caret at `caret`; `all` lists every field
 * for an empty word (asked for with the arrow key), else an empty word gets none.
 */
export function suggest(text: string, caret: number, all = false): SuggestionSet | null {
  const before = text.slice(0, caret);
  const rest = /^[^\s()]*/.exec(text.slice(caret))![0];
  const to = caret + rest.length;
  const quoteAt = openQuote(before);
  // In a quote, only a value after `field op` is suggested; a bare quoted word is free text.
  const wordStart = quoteAt ?? before.length - /[^\s()]*$/.exec(before)![0].length;
  let from = wordStart;
  let word = text.slice(from, caret);
  if (quoteAt !== null) {
    const head = /[^\s()]*$/.exec(before.slice(0, quoteAt))![0];
    from = quoteAt - head.length;
    word = head + text.slice(quoteAt, caret);
  }
  const lead = /^[!&|-]*/.exec(word)![0];
  from += lead.length;
  word = word.slice(lead.length);
  const lower = word.toLowerCase();

  const op = OPERATOR.exec(word);
  if (op) {
    const field = op[1]!.toLowerCase();
    const valueFrom = from + op[1]!.length + (op[2]?.length ?? 0) + op[3]!.length;
    const typed = op[4]!;
    const prefix = typed.replace(/^["']/, '');
    if (field === 'delivery') {
      const items = DELIVERY_VALUES.filter((v) => v.startsWith(prefix.toLowerCase()) && v !== typed).map((v) => ({ label: v, insert: `${v} `, detail: 'delivery state' }));
      return { from: valueFrom, to, items };
    }
    if (ASKED.has(field)) return { from: valueFrom, to, items: [], ask: { field: field as ValueField, prefix } };
    return null;
  }
  if (quoteAt !== null) return null;
  if (word === '' && !all) return null;
  if (word.startsWith('~')) {
    const items = FILTER_HELP.mitmproxy.filter((m) => m.syntax.startsWith(word)).map((m) => ({ label: m.syntax, insert: `${m.syntax.split(' ')[0]!} `, detail: m.help }));
    return items.length ? { from, to, items } : null;
  }
  if (!/^[a-z]*(:[a-z]*)?$/i.test(word)) return null;
  const items: Suggestion[] = [];
  const exact = fieldHelp.get(lower);
  if (exact && exact.kind !== 'header') {
    for (const o of operatorsFor(lower)) items.push({ label: `${lower}${o}`, insert: `${lower}${o}`, detail: OP_HELP.get(o) ?? '' });
  }
  for (const name of FIELD_NAMES) {
    if (!name.startsWith(lower) || name === lower) continue;
    const f = fieldHelp.get(name)!;
    items.push({ label: f.syntax, insert: f.kind === 'header' ? `${name}[` : name, detail: f.help });
  }
  if (exact?.kind === 'header') items.unshift({ label: exact.syntax, insert: `${lower}[`, detail: exact.help });
  for (const flag of FILTER_HELP.flags) {
    if (flag.syntax.startsWith(lower) && flag.syntax !== lower) items.push({ label: flag.syntax, insert: `${flag.syntax} `, detail: flag.help });
  }
  return items.length ? { from, to, items } : null;
}

/** The text and caret once a suggestion is taken. */
export function accept(text: string, set: Pick<SuggestionSet, 'from' | 'to'>, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, set.from) + insert + text.slice(set.to), caret: set.from + insert.length };
}
