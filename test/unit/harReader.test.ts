// The streaming HAR reader: entries handed over one by one from chunks cut
// anywhere (inside a UTF-8 character too), the document's shape and its JSON
// refused with where, and the bounds on what it holds.
import { describe, expect, it } from 'vitest';
import { HarReader, HarRefused, MAX_ENTRY_BYTES, MAX_OUTSIDE_BYTES } from '../../electron/core/har/harReader.js';

function read(text: string | Buffer, chunk = 5): { entries: Array<[number, unknown]>; error: string | null } {
  const entries: Array<[number, unknown]> = [];
  const reader = new HarReader((entry, index) => entries.push([index, entry]));
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  try {
    for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
    reader.end();
    return { entries, error: null };
  } catch (err) {
    expect(err).toBeInstanceOf(HarRefused);
    return { entries, error: (err as Error).message };
  }
}

describe('HarReader', () => {
  it('hands over each entry with its index, whatever the chunks, and keeps none of them', () => {
    const doc = { log: { version: '1.2', creator: { name: 'x' }, pages: [{ id: 'p' }], entries: [{ a: 'é😀' }, { b: [1, { c: null }] }, { d: true }] } };
    for (const chunk of [1, 3, 7, 1000]) {
      expect(read(JSON.stringify(doc, null, chunk === 3 ? 2 : 0), chunk)).toEqual({ entries: [[0, { a: 'é😀' }], [1, { b: [1, { c: null }] }], [2, { d: true }]], error: null });
    }
    expect(read(`\ufeff${JSON.stringify({ log: { entries: [{ a: 1 }] } })}`)).toEqual({ entries: [[0, { a: 1 }]], error: null });
    expect(read('{"log":{"entries":[]}}')).toEqual({ entries: [], error: null });
    // Only log.entries: another object's "entries" is not read as entries.
    expect(read('{"other":{"entries":[{"a":1}]},"log":{"entries":[{"z":1}]}}').entries).toEqual([[0, { z: 1 }]]);
  });

  it('counts bytes and entries as it goes', () => {
    const reader = new HarReader(() => undefined);
    reader.write(Buffer.from('{"log":{"entries":[{"a":1},'));
    expect({ bytes: reader.bytes, entries: reader.entries }).toEqual({ bytes: 27, entries: 1 });
    reader.write(Buffer.from('{"a":2}]}}'));
    reader.end();
    expect(reader.entries).toBe(2);
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['only spaces', '   \n', 'the file holds no JSON document'],
    ['an array', '[1,2]', 'HAR: expected an object, received array'],
    ['a number', '123', 'HAR: expected an object, received number'],
    ['no log', '{}', 'log: missing (expected an object)'],
    ['log not an object', '{"log":[]}', 'log: expected an object, received array'],
    ['no entries', '{"log":{"version":"1.2"}}', 'log.entries: missing (expected an array)'],
    ['entries not an array', '{"log":{"entries":{"x":{}}}}', 'log.entries: expected an array, received object'],
    ['entries twice', '{"log":{"entries":[],"entries":[]}}', 'log.entries: given twice'],
    ['bad JSON in entry 1', '{"log":{"entries":[{"a":1},{"a":tru}]}}', 'entries[1]: not valid JSON at byte 36 (unexpected "}")'],
    ['a bracket that closes nothing', '{"log":{"entries":[{"a":1]}}}', 'entries[0]: not valid JSON at byte 26 (unexpected "]")'],
    ['bad JSON outside entries', '{"log":{"version":1.2.3,"entries":[]}}', 'not valid JSON at byte 22 (unexpected ".")'],
    ['cut short in entry 2', '{"log":{"entries":[{},{},{"a":"x', 'entries[2]: the file ends before the JSON document does (at byte 32): is it cut short?'],
    ['cut short after the entries', '{"log":{"entries":[]', 'the file ends before the JSON document does (at byte 20): is it cut short?'],
    ['text after the document', '{"log":{"entries":[]}} x', 'not valid JSON at byte 24 (unexpected "x")'],
  ])('refuses %s, saying where', (_what, text, error) => {
    expect(read(text).error).toBe(error);
  });

  it('stops at what the entry callback throws, and throws it from write', () => {
    const reader = new HarReader((_e, i) => {
      if (i === 1) throw new HarRefused(`entries[${i}]: no`);
    });
    expect(() => reader.write(Buffer.from('{"log":{"entries":[{},{},{}]}}'))).toThrow('entries[1]: no');
    expect(reader.entries).toBe(2);
    expect(() => reader.end()).toThrow('entries[1]: no');
    // Another error (a store that cannot write) comes out as it is.
    const failing = new HarReader(() => {
      throw new TypeError('disk full');
    });
    expect(() => failing.write(Buffer.from('{"log":{"entries":[{}]}}'))).toThrow(TypeError);
  });

  it('refuses an entry over its bound, and a document with too much outside the entries', () => {
    const big = new HarReader(() => undefined);
    big.write(Buffer.from('{"log":{"entries":[{},{"response":{"content":{"text":"'));
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let error: unknown = null;
    try {
      for (let i = 0; i <= MAX_ENTRY_BYTES / chunk.length; i++) big.write(chunk);
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toBe('entries[1]: over 64 MiB of HAR text (larger entries are not imported)');
    const outside = new HarReader(() => undefined);
    outside.write(Buffer.from('{"log":{"entries":[],"comment":"'));
    expect(() => {
      for (let i = 0; i <= MAX_OUTSIDE_BYTES / chunk.length; i++) outside.write(chunk);
    }).toThrow('over 16 MiB of the HAR lie outside log.entries: is this a HAR file?');
  });
});
