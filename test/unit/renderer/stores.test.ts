// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { CoreEvent, ExchangeSummary } from '../../../electron/core/api.js';
import { createEventPump } from '../../../renderer/src/stores/eventPump.js';
import { matchesFilter, useTraffic } from '../../../renderer/src/stores/trafficStore.js';
import { newestDeliveries, useDeliveries } from '../../../renderer/src/stores/deliveryStore.js';
import { useSettings } from '../../../renderer/src/stores/settingsStore.js';

const row = (id: string, over: Partial<ExchangeSummary> = {}): ExchangeSummary => ({
  id, startedAt: 0, method: 'GET', url: `http://h/${id}`, host: 'h', status: null, state: 'pending', error: null, responseBytes: 0, durationMs: null, delivery: null, path: `/${id}`, contentType: null, requestBytes: 0, httpVersion: '1.1', ...over,
});

beforeEach(() => {
  useTraffic.setState({ rows: [], index: new Map(), selectedId: null, filter: '' });
  useDeliveries.setState({ byExchange: new Map(), version: 0 });
});

describe('traffic store', () => {
  it('adds and updates rows in place through the id → index map', () => {
    useTraffic.getState().apply([row('a'), row('b')], []);
    const before = useTraffic.getState().rows;
    useTraffic.getState().apply([], [row('a', { status: 200, state: 'complete' })]);
    const { rows, index } = useTraffic.getState();
    expect(rows.map((r) => [r.id, r.status])).toEqual([['a', 200], ['b', null]]);
    expect(index.get('b')).toBe(1);
    expect(rows).not.toBe(before); // a new array per batch: subscribers re-render once
    expect(before[0]!.status).toBeNull(); // earlier snapshots are not mutated
  });

  it('keeps 100k rows and updates one without searching', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(`r${i}`));
    useTraffic.getState().apply(many, []);
    useTraffic.getState().apply([], [row('r99999', { status: 204 })]);
    expect(useTraffic.getState().rows[99_999]!.status).toBe(204);
    expect(useTraffic.getState().rows.length).toBe(100_000);
  });

  it('filters by URL text, method, status or delivery state', () => {
    const r = row('x', { method: 'POST', status: 404, delivery: 'failed', url: 'https://api.example/users' });
    expect(matchesFilter(r, 'users')).toBe(true);
    expect(matchesFilter(r, 'post')).toBe(true);
    expect(matchesFilter(r, '404')).toBe(true);
    expect(matchesFilter(r, 'failed')).toBe(true);
    expect(matchesFilter(r, 'orders')).toBe(false);
  });
});

describe('delivery store', () => {
  it('updates 100k deliveries in place, one version bump per batch', () => {
    const d = (id: string, state: 'queued' | 'sent') => ({ exchangeId: id, state, attempts: 1, lastError: null, httpStatus: null, runscopeUuid: null, createdAt: 0, updatedAt: 0 });
    useDeliveries.getState().load(Array.from({ length: 100_000 }, (_, i) => d(`r${i}`, 'queued')));
    const { byExchange, version } = useDeliveries.getState();
    let notified = 0;
    const unsubscribe = useDeliveries.subscribe(() => notified++);
    useDeliveries.getState().apply([d('r5', 'sent'), d('r6', 'sent')]);
    unsubscribe();
    expect(notified).toBe(1);
    expect(useDeliveries.getState().version).toBe(version + 1);
    expect(useDeliveries.getState().byExchange).toBe(byExchange);
    expect(byExchange.get('r5')?.state).toBe('sent');
    expect(byExchange.size).toBe(100_000);
  });

  it('picks the newest deliveries, newest first, without sorting them all', () => {
    const at = (createdAt: number) => ({ exchangeId: `e${createdAt}`, state: 'sent' as const, attempts: 1, lastError: null, httpStatus: 201, runscopeUuid: null, createdAt, updatedAt: createdAt });
    const shuffled = Array.from({ length: 2000 }, (_, i) => at((i * 7919) % 2000));
    expect(newestDeliveries(shuffled, 3).map((d) => d.createdAt)).toEqual([1999, 1998, 1997]);
    expect(newestDeliveries(shuffled.slice(0, 2), 5)).toHaveLength(2);
    expect(newestDeliveries([], 5)).toEqual([]);
    const ascending = Array.from({ length: 2000 }, (_, i) => at(i));
    for (const list of [shuffled, ascending]) {
      const bySort = [...list].sort((a, b) => b.createdAt - a.createdAt).slice(0, 50);
      expect(newestDeliveries(list, 50)).toEqual(bySort);
    }
  });
});

describe('event pump', () => {
  it('applies everything that arrived within a frame in one update per store', () => {
    const frames: Array<() => void> = [];
    let trafficUpdates = 0;
    const unsubscribe = useTraffic.subscribe(() => trafficUpdates++);
    const pump = createEventPump(
      {
        exchanges: (a, u) => useTraffic.getState().apply(a, u),
        deliveries: (d) => useDeliveries.getState().apply(d),
        status: () => undefined,
        cleared: () => useTraffic.getState().clear(),
      },
      (cb) => frames.push(cb),
    );
    const batch = (id: string): CoreEvent[] => [{ type: 'exchanges', added: [row(id)], updated: [] }];
    pump(batch('1'));
    pump(batch('2'));
    pump([{ type: 'deliveries', records: [{ exchangeId: '1', state: 'sent', attempts: 1, lastError: null, httpStatus: 201, runscopeUuid: 'u', createdAt: 0, updatedAt: 0 }] }]);
    expect(frames.length).toBe(1);
    expect(useTraffic.getState().rows.length).toBe(0);
    frames[0]!();
    expect(trafficUpdates).toBe(1);
    expect(useTraffic.getState().rows.map((r) => r.id)).toEqual(['1', '2']);
    expect(useDeliveries.getState().byExchange.get('1')?.state).toBe('sent');
    unsubscribe();
  });

  it('a cleared event empties the list before later additions of the same frame', () => {
    const frames: Array<() => void> = [];
    useTraffic.getState().apply([row('old')], []);
    const pump = createEventPump({ exchanges: (a, u) => useTraffic.getState().apply(a, u), deliveries: () => undefined, status: () => undefined, cleared: () => useTraffic.getState().clear() }, (cb) => frames.push(cb));
    pump([{ type: 'cleared' }, { type: 'exchanges', added: [row('new')], updated: [] }]);
    frames[0]!();
    expect(useTraffic.getState().rows.map((r) => r.id)).toEqual(['new']);
  });
});

describe('settings store', () => {
  it('keeps per-field errors from the core and the saved view on success', async () => {
    const refused = await useSettings.getState().save({ timeout: -1 }, async () => ({ ok: false, errors: { timeout: 'timeout must be a positive integer (ms)' } }));
    expect(refused).toBe(false);
    expect(useSettings.getState().errors).toEqual({ timeout: 'timeout must be a positive integer (ms)' });
    const view = { bucket: 'b', accessTokenLast4: 'abcd', log_body: false, api_endpoint: 'https://api.runscope.com', timeout: 5, keepalive: 30 };
    expect(await useSettings.getState().save({ timeout: 5 }, async () => ({ ok: true, settings: view }))).toBe(true);
    expect(useSettings.getState()).toMatchObject({ saved: view, errors: {}, notice: 'Saved' });
  });
});
