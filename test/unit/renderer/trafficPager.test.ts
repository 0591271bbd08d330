// The pager against a stand-in for the core's session store: answers are held
// until the test lets them go, so the order of answers is the test's to choose.
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CommandArg, CommandName, ExchangeQuery, ExchangeSummary } from '../../../electron/core/api.js';
import { rowAt } from '../../../renderer/src/stores/pageCache.js';
import { TrafficPager, type Invoke } from '../../../renderer/src/stores/trafficPager.js';
import { initialTraffic, type TrafficState } from '../../../renderer/src/stores/trafficStore.js';
import { summary } from './rows.js';

interface Call {
  command: CommandName;
  arg: unknown;
  release(): Promise<void>;
}

/** Rows by start time; filters are the test's predicates by text ('' selects all, 'bad' is refused). */
function standIn(rows: ExchangeSummary[], filters: Record<string, (r: ExchangeSummary) => boolean>, quickBound = Infinity) {
  const calls: Call[] = [];
  const select = (q: Pick<ExchangeQuery, 'filter'>) => rows.filter(q.filter ? filters[q.filter]! : () => true);
  const answer = (command: CommandName, arg: unknown): unknown => {
    const q = arg as ExchangeQuery;
    if (q.filter === 'bad') return { ok: false, error: 'unknown field `bad`', column: 1 };
    if (command === 'countExchanges') {
      const matched = select(q).length;
      // A quick count the core would read row by row stops at a bound, as sessionCount.ts does.
      if ((arg as { quick?: boolean }).quick && matched >= quickBound) return { ok: true, matched: quickBound, total: rows.length, atLeast: true };
      return { ok: true, matched, total: rows.length };
    }
    const sorted = select(q).sort((a, b) => (q.order === 'desc' ? b.startedAt - a.startedAt : a.startedAt - b.startedAt));
    return { ok: true, rows: sorted.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 100)) };
  };
  const invoke = (<K extends CommandName>(command: K, arg?: CommandArg<K>) =>
    new Promise<unknown>((resolve) => {
      const call: Call = {
        command,
        arg,
        release: async () => {
          const result = answer(command, arg);
          resolve(result);
          await Promise.resolve(result); // the pager's continuation runs before this returns
        },
      };
      calls.push(call);
    })) as Invoke;
  /** Answers every held call (and the ones they cause), oldest first. */
  const settle = async () => {
    while (calls.length) await calls.shift()!.release();
  };
  return { calls, invoke, settle, rows };
}

const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => summary(`r${from + i}`, { startedAt: from + i, method: (from + i) % 2 ? 'POST' : 'GET' }));
const filters = { 'method=POST': (r: ExchangeSummary) => r.method === 'POST' };

let store: StoreApi<TrafficState>;
beforeEach(() => {
  store = createStore<TrafficState>()(() => initialTraffic());
});

describe('traffic pager', () => {
  it('loads the count and the first page, never the whole result', async () => {
    const core = standIn(many(5000), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    const s = store.getState();
    expect(s.counts).toEqual({ matched: 5000, total: 5000 });
    expect(s.rowCount).toBe(5000);
    expect([...s.pages.keys()]).toEqual([0]);
    pager.setRange({ start: 2410, end: 2450 });
    await core.settle();
    expect([...store.getState().pages.keys()]).toEqual([12]); // page 0 was far from the range
    expect(rowAt(store.getState().pages, 2420)?.id).toBe('r2420');
  });

  it('a quick count that is a lower bound sizes the grid at once; the exact count asked after it replaces it', async () => {
    const core = standIn(many(5000), filters, 1000);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.setQuery({ filter: 'method=POST' });
    await core.calls.shift()!.release(); // the first page
    await core.calls.shift()!.release(); // the quick count
    expect(store.getState().counts).toEqual({ matched: 1000, total: 5000, atLeast: true });
    expect(store.getState().rowCount).toBe(1000);
    const exact = core.calls.find((c) => c.command === 'countExchanges');
    expect(exact?.arg).toEqual({ session: 'current', filter: 'method=POST' });
    await core.settle();
    expect(store.getState().counts).toEqual({ matched: 2500, total: 5000 });
    expect(store.getState().rowCount).toBe(2500);
  });

  it('keeps the previous rows on screen until the new query’s first page arrives', async () => {
    const core = standIn(many(10), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    pager.setQuery({ filter: 'method=POST' });
    expect(store.getState().rowCount).toBe(10);
    expect(rowAt(store.getState().pages, 0)?.id).toBe('r0');
    await core.settle();
    expect(store.getState().counts).toEqual({ matched: 5, total: 10 });
    expect(rowAt(store.getState().pages, 0)?.id).toBe('r1');
  });

  it('drops answers to a query that was replaced', async () => {
    const core = standIn(many(10), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.setQuery({ filter: 'method=POST' });
    const old = core.calls.splice(0);
    pager.setQuery({ order: 'desc' });
    await core.settle();
    for (const c of old) await c.release();
    expect(rowAt(store.getState().pages, 0)?.id).toBe('r9');
    expect(store.getState().counts?.matched).toBe(5); // the filter stays: POST, newest first
  });

  it('a filter the core refuses leaves the last good result and says why', async () => {
    const core = standIn(many(3), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    pager.setQuery({ filter: 'bad' });
    await core.settle();
    expect(store.getState().problem).toEqual({ ok: false, error: 'unknown field `bad`', column: 1 });
    expect(store.getState().rowCount).toBe(3);
  });

  it('live: new recorded rows raise the counts and, at the newest end, the tail page is fetched again', async () => {
    const core = standIn(many(3), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    const fresh = summary('new', { startedAt: 100, session: 1 });
    pager.onExchanges({ added: [fresh], updated: [] });
    core.rows.push(fresh);
    pager.onExchanges({ added: [], updated: [fresh] });
    expect(store.getState().counts).toEqual({ matched: 4, total: 4 });
    expect(core.calls.map((c) => c.command)).toEqual(['queryExchanges']);
    await core.settle();
    expect(rowAt(store.getState().pages, 3)?.id).toBe('new');
    expect(store.getState().pages.get(0)?.stale).toBe(false);
  });

  it('live: a row still streaming (pending in `updated`) is not counted until recorded; the selected one follows it', async () => {
    const core = standIn(many(3), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    const open = summary('stream', { startedAt: 100, session: 1, state: 'pending', status: 200, responseBytes: 10 });
    pager.onExchanges({ added: [{ ...open, status: null, responseBytes: 0 }], updated: [] });
    pager.select('stream');
    pager.onExchanges({ added: [], updated: [open] });
    expect(store.getState().counts).toEqual({ matched: 3, total: 3 });
    expect(store.getState().selected).toMatchObject({ id: 'stream', responseBytes: 10 });
    pager.onExchanges({ added: [], updated: [{ ...open, responseBytes: 99 }] });
    expect(store.getState().selected).toMatchObject({ responseBytes: 99 });
    core.rows.push({ ...open, state: 'complete' });
    pager.onExchanges({ added: [], updated: [{ ...open, state: 'complete', responseBytes: 120 }] });
    expect(store.getState().counts).toEqual({ matched: 4, total: 4 });
  });

  it('live with a filter: counted from the event’s matches, recounted when it has none for the filter', async () => {
    const core = standIn(many(4), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.setQuery({ filter: 'method=POST' });
    await core.settle();
    expect(store.getState().counts).toEqual({ matched: 2, total: 4 });
    const post = summary('p', { method: 'POST', startedAt: 50 });
    const get = summary('g', { startedAt: 51 });
    pager.onExchanges({ added: [post, get], updated: [] });
    core.rows.push(post, get);
    pager.onExchanges({ added: [], updated: [post, get], matches: { 'method=POST': ['p'] } });
    expect(store.getState().counts).toEqual({ matched: 3, total: 6 });
    expect(core.calls.some((c) => c.command === 'countExchanges')).toBe(false);
    await core.settle();
    const late = summary('late', { method: 'POST', startedAt: 60 });
    pager.onExchanges({ added: [late], updated: [] });
    core.rows.push(late);
    pager.onExchanges({ added: [], updated: [late], matches: {} });
    expect(core.calls.map((c) => c.command)).toContain('countExchanges');
    await core.settle();
    expect(store.getState().counts).toEqual({ matched: 4, total: 7 });
  });

  it('ignores traffic of another session while a past one is viewed; updates rows in place', async () => {
    const past = many(3).map((r) => ({ ...r, session: 1 }));
    const core = standIn(past, filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 2 });
    pager.setQuery({ session: 1 });
    await core.settle();
    const now = summary('now', { session: 2 });
    pager.onExchanges({ added: [now], updated: [] });
    pager.onExchanges({ added: [], updated: [now, { ...past[1]!, delivery: 'sent' }] });
    expect(store.getState().counts).toEqual({ matched: 3, total: 3 });
    expect(rowAt(store.getState().pages, 1)?.delivery).toBe('sent');
    expect(core.calls).toEqual([]);
  });

  it('sorts by the column asked for, in the order asked for', async () => {
    const core = standIn(many(3), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.setQuery({ sort: 'status', order: 'desc' });
    expect(core.calls.find((c) => c.command === 'queryExchanges')?.arg).toEqual({ session: 'current', filter: '', sort: 'status', order: 'desc', offset: 0, limit: 200 });
    expect(store.getState().generation).toBe(1);
  });

  it('invalidated (rows evicted): counted and fetched again, the rows on screen kept meanwhile', async () => {
    const core = standIn(many(300), filters);
    const pager = new TrafficPager(core.invoke, store, { currentSession: () => 1 });
    pager.refresh();
    await core.settle();
    core.rows.splice(0, 100); // retention took the oldest
    pager.invalidate();
    expect(rowAt(store.getState().pages, 0)?.id).toBe('r0');
    expect(core.calls.map((c) => c.command).sort()).toEqual(['countExchanges', 'queryExchanges']);
    await core.settle();
    expect(store.getState().counts).toEqual({ matched: 200, total: 200 });
    expect(rowAt(store.getState().pages, 0)?.id).toBe('r100');
  });
});
