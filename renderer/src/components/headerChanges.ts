// How a rewrite changed one side's headers: compared by name (any case), the
// values of a repeated header taken together, in the order they first appear.
import type { HeaderPair } from '../../../electron/core/api';

export interface HeaderChange {
  /** As the side that has it spells it (the later one when both do). */
  name: string;
  kind: 'added' | 'removed' | 'changed';
  before: string | null;
  after: string | null;
}

/** Each name, lower-cased, with its first spelling and its values in order. */
export function headersByName(pairs: readonly HeaderPair[]): Map<string, { name: string; values: string[] }> {
  const out = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const seen = out.get(key);
    if (seen) seen.values.push(value);
    else out.set(key, { name, values: [value] });
  }
  return out;
}

export function headerChanges(before: readonly HeaderPair[], after: readonly HeaderPair[]): HeaderChange[] {
  const was = headersByName(before);
  const is = headersByName(after);
  const changes: HeaderChange[] = [];
  for (const [key, b] of was) {
    const a = is.get(key);
    if (!a) changes.push({ name: b.name, kind: 'removed', before: b.values.join(', '), after: null });
    else if (a.values.join('\n') !== b.values.join('\n')) changes.push({ name: a.name, kind: 'changed', before: b.values.join(', '), after: a.values.join(', ') });
  }
  for (const [key, a] of is) if (!was.has(key)) changes.push({ name: a.name, kind: 'added', before: null, after: a.values.join(', ') });
  return changes;
}
