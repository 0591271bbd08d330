import { describe, expect, it } from 'vitest';
import { accept, quoteValue, suggest } from '../../../renderer/src/filterBox/suggest.js';

const at = (text: string) => suggest(text, text.length);
const labels = (text: string) => at(text)?.items.map((i) => i.label) ?? [];

describe('filter suggestions', () => {
  it('field names and flags for a word being typed; nothing for an empty one unless asked', () => {
    expect(labels('ho')).toEqual(['host']);
    expect(labels('re')).toEqual(['reqheader[NAME]', 'resheader[NAME]', 'reqbody', 'resbody', 'reqsize']);
    expect(labels('is:e')).toEqual(['is:error']);
    expect(labels('is:re')).toEqual(['is:response', 'is:replay']);
    expect(labels('is:c')).toEqual(['is:collected']);
    expect(at('')).toBeNull();
    expect(suggest('', 0, true)?.items.length).toBeGreaterThan(10);
  });

  it('the operators once the word names a field, numbers’ for numbers', () => {
    expect(labels('status')).toEqual(['status=', 'status!=', 'status>', 'status>=', 'status<', 'status<=']);
    expect(labels('method').slice(0, 3)).toEqual(['method=', 'method!=', 'method*=']);
    expect(at('status')?.items[3]!.detail).toBe('numbers only: status, size, reqsize, duration, port');
  });

  it('values after field op: asked of the core for host, method, status, type; delivery from the language', () => {
    expect(at('status>=400 host*=ap')).toEqual({ from: 18, to: 20, items: [], ask: { field: 'host', prefix: 'ap' } });
    expect(at('-method=')?.ask).toEqual({ field: 'method', prefix: '' });
    expect(labels('delivery=re')).toEqual(['retrying']);
    expect(at('path=/a')).toBeNull();
    expect(at('host="my ho')?.ask).toEqual({ field: 'host', prefix: 'my ho' });
  });

  it('the word after a not or inside a group; nothing inside a quoted search', () => {
    expect(at('(!ho')?.from).toBe(2);
    expect(labels('a or (sta')).toEqual(['status']);
    expect(at('"ho')).toBeNull();
  });

  it('taking one replaces the whole word at the caret', () => {
    const text = 'ho status=2';
    const set = suggest(text, 1)!;
    expect(accept(text, set, 'host')).toEqual({ text: 'host status=2', caret: 4 });
    expect(quoteValue('application/json')).toBe('application/json');
    expect(quoteValue('a b"c')).toBe('"a b\\"c"');
  });
});
