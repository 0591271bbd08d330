import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, moved, PREFS_KEY, readPrefs, toggled, visible, writePrefs } from '../../../renderer/src/grid/columnPrefs.js';
import { restartMark } from '../../../renderer/src/grid/restartMarks.js';
import { summary } from './rows.js';

const memory = (value: string | null = null) => {
  const data = new Map<string, string>(value === null ? [] : [[PREFS_KEY, value]]);
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
};

describe('column preferences', () => {
  it('default: method, host, path, status, type, size, duration, started, delivery', () => {
    expect(visible(DEFAULT_PREFS)).toEqual(['method', 'host', 'path', 'status', 'contentType', 'responseBytes', 'durationMs', 'startedAt', 'delivery']);
  });

  it('survive a write and a read; unknown ids go, new columns come hidden, garbage gives the defaults', () => {
    const storage = memory();
    const prefs = moved(toggled(DEFAULT_PREFS, 'host'), 'status', -1);
    writePrefs(storage, prefs);
    expect(readPrefs(storage)).toEqual(prefs);
    const old = readPrefs(memory(JSON.stringify({ order: ['url', 'gone', 'method'], hidden: [] })));
    expect(visible(old)).toEqual(['url', 'method']);
    expect(old.order.length).toBe(12);
    expect(readPrefs(memory('{not json'))).toEqual(DEFAULT_PREFS);
    expect(readPrefs(memory(JSON.stringify({ order: ['url'], hidden: ['url'] })))).toEqual(DEFAULT_PREFS);
  });

  it('the last visible column cannot be hidden; moves stop at the ends', () => {
    let p = DEFAULT_PREFS;
    for (const id of visible(DEFAULT_PREFS)) p = toggled(p, id);
    expect(visible(p)).toEqual(['delivery']);
    expect(moved(DEFAULT_PREFS, 'method', -1)).toBe(DEFAULT_PREFS);
    expect(moved(DEFAULT_PREFS, 'method', 1).order.slice(0, 2)).toEqual(['host', 'method']);
  });
});

describe('restart marks', () => {
  const rows = [10, 20, 30, 40].map((t) => summary(`r${t}`, { startedAt: t }));
  it('mark the first exchange after each restart, below the boundary oldest first, above it newest first', () => {
    const asc = (i: number) => rows[i];
    expect([0, 1, 2, 3].map((i) => restartMark(asc, i, 'asc', [25, 31]))).toEqual([null, null, 25, 31]);
    const desc = (i: number) => rows[rows.length - 1 - i];
    expect([0, 1, 2, 3].map((i) => restartMark(desc, i, 'desc', [25]))).toEqual([null, 25, null, null]);
    expect(restartMark(asc, 0, 'asc', [5])).toBeNull(); // nothing before the first row to divide it from
  });
});
