// The Rules view's live counts: one count once typing pauses, every watched
// match again at most once a second while traffic is recorded, never two
// rounds at once, and an answer to an older match dropped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { RuleCounts, TRAFFIC_MS, TYPING_MS, type RuleCountsState } from '../../../renderer/src/stores/ruleCounts.js';
import type { Invoke } from '../../../renderer/src/stores/trafficPager.js';

let asked: string[];
let pending: Array<() => void>;
/** Answers wait until released, so a test decides when each count lands. */
const invoke = ((_: string, arg: { filter: string }) => {
  asked.push(arg.filter);
  return new Promise((resolve) => pending.push(() => resolve({ ok: true, matched: asked.length, total: 100 })));
}) as unknown as Invoke;
const release = async () => {
  const now = pending;
  pending = [];
  now.forEach((r) => r());
  await vi.advanceTimersByTimeAsync(0);
};

let store: StoreApi<RuleCountsState>;
let counts: RuleCounts;

beforeEach(() => {
  vi.useFakeTimers();
  asked = [];
  pending = [];
  store = createStore<RuleCountsState>()(() => ({ counts: {} }));
  counts = new RuleCounts(invoke, store);
});
afterEach(() => vi.useRealTimers());

describe('rule counts', () => {
  it('counts once typing has paused, the last match typed', async () => {
    counts.watch('a', 'host=x');
    await vi.advanceTimersByTimeAsync(TYPING_MS - 50);
    counts.watch('a', 'host=xy');
    counts.watch('a', 'host=xyz');
    await vi.advanceTimersByTimeAsync(TYPING_MS - 1);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual(['host=xyz']);
    await release();
    expect(store.getState().counts.a).toEqual({ match: 'host=xyz', ok: true, matched: 1, total: 100 });
    counts.watch('a', 'host=xyz');
    await vi.advanceTimersByTimeAsync(TYPING_MS * 2);
    expect(asked).toHaveLength(1);
  });

  it('drops the answer for a match since changed', async () => {
    counts.watch('a', 'host=old');
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    counts.watch('a', 'host=new');
    await release();
    expect(store.getState().counts.a).toBeUndefined();
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    await release();
    expect(store.getState().counts.a).toMatchObject({ match: 'host=new' });
  });

  it('recounts every watched match on traffic, at most once a second, one round at a time', async () => {
    counts.watch('a', 'host=a');
    counts.watch('b', 'host=b');
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    await release();
    asked = [];
    counts.onTraffic();
    expect(asked.sort()).toEqual(['host=a', 'host=b']);
    // Traffic while that round is out: one more round when it is in, not one per event.
    counts.onTraffic();
    counts.onTraffic();
    expect(asked).toHaveLength(2);
    await release();
    expect(asked).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(TRAFFIC_MS);
    expect(asked).toHaveLength(4);
    await release();
    await vi.advanceTimersByTimeAsync(TRAFFIC_MS * 3);
    expect(asked).toHaveLength(4);
  });

  it('stops counting what is no longer watched', async () => {
    counts.watch('a', 'host=a');
    await vi.advanceTimersByTimeAsync(TYPING_MS);
    await release();
    counts.unwatch('a');
    expect(store.getState().counts.a).toBeUndefined();
    counts.onTraffic();
    await vi.advanceTimersByTimeAsync(TRAFFIC_MS * 2);
    expect(asked).toEqual(['host=a']);
  });
});
