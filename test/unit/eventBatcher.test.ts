// The event batcher's contract with renderers: what one batch says about an exchange and about live filters.
import { describe, expect, it } from 'vitest';
import type { CoreEvent, ExchangeSummary, PausedExchange, Status } from '../../electron/core/api.js';
import { EventBatcher } from '../../electron/core/eventBatcher.js';

const summary = (id: string, state: ExchangeSummary['state']): ExchangeSummary => ({
  id, kind: 'http', tunnel: null, startedAt: 1, method: 'GET', url: `http://h/${id}`, host: 'h', status: null, state, error: null, responseBytes: 0, durationMs: null, delivery: null,
  path: `/${id}`, contentType: null, requestBytes: 0, httpVersion: '1.1',
});

describe('EventBatcher', () => {
  it('an exchange started and recorded within one batch is in both added and updated; every live filter is listed', () => {
    const batches: CoreEvent[][] = [];
    const b = new EventBatcher(() => ({}) as Status, 60_000);
    b.subscribe((e) => batches.push(e));
    b.exchangeAdded(summary('a', 'pending'));
    b.exchangeUpdated(summary('a', 'complete'));
    b.matched('status=404', null);
    b.matched('method=GET', 'a');
    b.flush();
    const [event] = batches[0]!;
    expect(event).toMatchObject({ type: 'exchanges', added: [{ id: 'a', state: 'complete' }], updated: [{ id: 'a', state: 'complete' }], matches: { 'status=404': [], 'method=GET': ['a'] } });
  });

  it('pauses and their ends keep their order: one exchange may end its request pause and start its response pause in one batch', () => {
    const batches: CoreEvent[][] = [];
    const b = new EventBatcher(() => ({}) as Status, 60_000);
    b.subscribe((e) => batches.push(e));
    const paused = (phase: PausedExchange['phase']): PausedExchange => ({
      id: 'a', phase, rule: 'r', pausedAt: 1, resumesAt: 2, request: { method: 'GET', url: 'http://h/a', httpVersion: '1.1', headers: [], body: { base64: '', size: 0, truncated: false } }, response: null,
    });
    b.paused(paused('request'));
    b.unpaused('a', 'request', 'resumed');
    b.paused(paused('response'));
    b.flush();
    expect(batches[0]!.map((e) => (e.type === 'paused' ? `paused ${e.paused.phase}` : e.type === 'unpaused' ? `unpaused ${e.phase} ${e.outcome}` : e.type))).toEqual([
      'paused request',
      'unpaused request resumed',
      'paused response',
    ]);
  });

  it('drops everything while nobody listens', () => {
    const b = new EventBatcher(() => ({}) as Status, 60_000);
    b.exchangeAdded(summary('a', 'pending'));
    const batches: CoreEvent[][] = [];
    b.subscribe((e) => batches.push(e));
    b.flush();
    expect(batches).toEqual([]);
  });
});
