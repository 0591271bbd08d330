import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../electron/core/api.js';
import { LiveCount, type LiveContext } from '../../../renderer/src/stores/liveCount.js';
import { summary } from './rows.js';

const ctx = (filter = '', over: Partial<LiveContext> = {}): LiveContext => ({ filter, inScope: () => true, cached: () => false, ...over });
const start = (...rows: ExchangeSummary[]) => ({ added: rows, updated: [] });
const record = (rows: ExchangeSummary[], matches?: Record<string, string[]>) => ({ added: [], updated: rows, matches });

describe('live count', () => {
  it('counts a recorded exchange once, and its later changes not again', () => {
    const live = new LiveCount();
    let counts = { matched: 5, total: 5 };
    counts = live.apply(counts, start(summary('a')), ctx()).counts;
    expect(counts).toEqual({ matched: 5, total: 5 }); // started, not stored yet
    const r = live.apply(counts, record([summary('a')]), ctx());
    expect(r).toEqual({ counts: { matched: 6, total: 6 }, shifted: true, recount: false });
    const again = live.apply(r.counts, record([summary('a', { delivery: 'sent' })]), ctx());
    expect(again).toEqual({ counts: { matched: 6, total: 6 }, shifted: false, recount: false });
  });

  it('with a filter, a new row matches when the event lists it for that filter', () => {
    const live = new LiveCount();
    const f = 'status>=400';
    live.apply({ matched: 0, total: 0 }, start(summary('ok'), summary('bad')), ctx(f));
    const r = live.apply({ matched: 1, total: 10 }, record([summary('ok'), summary('bad', { status: 500 })], { [f]: ['bad'], other: ['ok'] }), ctx(f));
    expect(r).toEqual({ counts: { matched: 2, total: 12 }, shifted: true, recount: false });
  });

  it('asks for a recount when the event has no matches for the filter', () => {
    const live = new LiveCount();
    live.apply({ matched: 0, total: 0 }, start(summary('x')), ctx('method=POST'));
    const r = live.apply({ matched: 0, total: 3 }, record([summary('x')], { 'method=GET': ['x'] }), ctx('method=POST'));
    expect(r.recount).toBe(true);
    expect(r.counts.total).toBe(4);
  });

  it('asks for a recount for a row recorded whose start it never saw', () => {
    const r = new LiveCount().apply({ matched: 3, total: 3 }, record([summary('before-we-listened')]), ctx());
    expect(r).toEqual({ counts: { matched: 3, total: 3 }, shifted: false, recount: true });
  });

  it('a cached row that stops matching leaves the count', () => {
    const f = 'delivery=queued';
    const r = new LiveCount().apply({ matched: 4, total: 9 }, record([summary('q', { delivery: 'sent' })], { [f]: [] }), ctx(f, { cached: (id) => id === 'q' }));
    expect(r).toEqual({ counts: { matched: 3, total: 9 }, shifted: true, recount: false });
  });

  it('after the filter changes, a known row changing cannot be placed: recount', () => {
    const live = new LiveCount();
    live.apply({ matched: 0, total: 0 }, start(summary('a')), ctx());
    live.apply({ matched: 0, total: 0 }, record([summary('a')]), ctx());
    live.forgetMatches();
    const r = live.apply({ matched: 1, total: 1 }, record([summary('a', { delivery: 'sent' })], { 'delivery=sent': ['a'] }), ctx('host=x'));
    expect(r.recount).toBe(true);
    expect(r.counts).toEqual({ matched: 1, total: 1 });
  });

  it('ignores rows of other sessions', () => {
    const live = new LiveCount();
    const other = ctx('', { inScope: (row) => row.session === 2 });
    live.apply({ matched: 0, total: 0 }, start(summary('a', { session: 3 })), other);
    const r = live.apply({ matched: 0, total: 0 }, record([summary('a', { session: 3 })]), other);
    expect(r).toEqual({ counts: { matched: 0, total: 0 }, shifted: false, recount: false });
  });
});

describe('live count races', () => {
  it('a row a page showed before its recorded event came is still new', () => {
    const live = new LiveCount();
    live.apply({ matched: 1, total: 1 }, start(summary('fast')), ctx());
    const r = live.apply({ matched: 1, total: 1 }, record([summary('fast')]), ctx('', { cached: () => true }));
    expect(r.counts).toEqual({ matched: 2, total: 2 });
  });

  it('a cached row changing that no event announced is a counted one: only its membership moves', () => {
    const r = new LiveCount().apply({ matched: 2, total: 2 }, record([summary('old', { delivery: 'sent' })]), ctx('', { cached: () => true }));
    expect(r).toEqual({ counts: { matched: 2, total: 2 }, shifted: false, recount: false });
  });
});
