// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { CoreEvent, RuleAlert } from '../../../electron/core/api.js';
import { answersAfterEvents, createEventPump, mergeMatches, type EventSinks } from '../../../renderer/src/stores/eventPump.js';
import type { LiveEvent } from '../../../renderer/src/stores/liveCount.js';
import type { Transport } from '../../../renderer/src/transport.js';
import { bucketShown, newestDeliveries, useDeliveries } from '../../../renderer/src/stores/deliveryStore.js';
import { useSettings } from '../../../renderer/src/stores/settingsStore.js';
import { summary as row } from './rows.js';

beforeEach(() => {
  useDeliveries.setState({ byExchange: new Map(), version: 0 });
});

describe('delivery store', () => {
  it('updates 100k deliveries in place, one version bump per batch', () => {
    const d = (id: string, state: 'queued' | 'sent') => ({ exchangeId: id, bucket: null, postedTo: null, state, attempts: 1, lastError: null, httpStatus: null, runscopeUuid: null, createdAt: 0, updatedAt: 0 });
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

  it('shows where a settled message went, and where a waiting one goes next', () => {
    expect(bucketShown({ state: 'sent', bucket: null, postedTo: 'old-default' }, 'new-default')).toBe('old-default');
    expect(bucketShown({ state: 'failed', bucket: 'a\nb', postedTo: null }, 'main')).toBe('a\nb');
    expect(bucketShown({ state: 'retrying', bucket: null, postedTo: 'old-default' }, 'new-default')).toBe('new-default (settings)');
    expect(bucketShown({ state: 'queued', bucket: 'other', postedTo: null }, 'main')).toBe('other');
    expect(bucketShown({ state: 'queued', bucket: null, postedTo: null }, null)).toBe('the settings bucket');
  });

  it('picks the newest deliveries, newest first, without sorting them all', () => {
    const at = (createdAt: number) => ({ exchangeId: `e${createdAt}`, bucket: null, postedTo: null, state: 'sent' as const, attempts: 1, lastError: null, httpStatus: 201, runscopeUuid: null, createdAt, updatedAt: createdAt });
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
  const alert = (rule: string): RuleAlert => ({ rule, id: 'x', method: 'GET', url: 'http://h/', status: 500, suppressed: 0, at: 0 });
  const sinks = (log: string[], exchanges: LiveEvent[] = []): EventSinks => ({
    exchanges: (e) => {
      exchanges.push(e);
      log.push(`exchanges ${e.added.length}+${e.updated.length}`);
    },
    deliveries: (d) => useDeliveries.getState().apply(d),
    status: () => log.push('status'),
    sessions: (s) => log.push(`sessions ${s.length}`),
    pauses: (p) => log.push(`pauses ${p.map((e) => e.type).join(',')}`),
    cleared: () => log.push('cleared'),
    alerts: (a) => log.push(`alerts ${a.map((x) => x.rule).join(',')}`),
  });

  it('applies everything that arrived within a frame in one call per sink', () => {
    const frames: Array<() => void> = [];
    const log: string[] = [];
    const seen: LiveEvent[] = [];
    const pump = createEventPump(sinks(log, seen), (cb) => frames.push(cb));
    pump([{ type: 'exchanges', added: [row('1')], updated: [], matches: { 'method=GET': [] } }]);
    pump([{ type: 'exchanges', added: [], updated: [row('1')], matches: { 'method=GET': ['1'], 'status=200': [] } }]);
    pump([{ type: 'deliveries', records: [{ exchangeId: '1', bucket: null, postedTo: null, state: 'sent', attempts: 1, lastError: null, httpStatus: 201, runscopeUuid: 'u', createdAt: 0, updatedAt: 0 }] }]);
    pump([{ type: 'sessions', sessions: [] }]);
    pump([{ type: 'alerts', alerts: [alert('5xx')] }, { type: 'alerts', alerts: [alert('slow')] }]);
    expect(frames.length).toBe(1);
    expect(log).toEqual([]);
    frames[0]!();
    expect(log).toEqual(['exchanges 1+1', 'sessions 0', 'alerts 5xx,slow']);
    // status=200 was not listed by the first event: its ids are not complete, so it is left out.
    expect(seen[0]!.matches).toEqual({ 'method=GET': ['1'] });
    expect(useDeliveries.getState().byExchange.get('1')?.state).toBe('sent');
  });

  it('a cleared event drops what came before it in the frame, not what came after', () => {
    const frames: Array<() => void> = [];
    const log: string[] = [];
    const seen: LiveEvent[] = [];
    const pump = createEventPump(sinks(log, seen), (cb) => frames.push(cb));
    const events: CoreEvent[] = [
      { type: 'exchanges', added: [row('old')], updated: [] },
      { type: 'alerts', alerts: [alert('before')] },
      { type: 'cleared' },
      { type: 'exchanges', added: [row('new')], updated: [] },
    ];
    pump(events);
    frames[0]!();
    expect(log).toEqual(['cleared', 'exchanges 1+0', 'alerts before']);
    expect(seen[0]!.added.map((r) => r.id)).toEqual(['new']);
  });

  it('hands an answer over only after the events that came before it', async () => {
    const frames: Array<() => void> = [];
    const log: string[] = [];
    const pump = createEventPump(sinks(log), (cb) => frames.push(cb));
    let answer: (v: unknown) => void = () => undefined;
    const raw: Transport = {
      kind: 'websocket',
      invoke: (() => new Promise<unknown>((resolve) => (answer = resolve))) as unknown as Transport['invoke'],
      onEvents: () => () => undefined,
      onConnection: () => () => undefined,
    };
    const ordered = answersAfterEvents(raw, pump.drain);
    // The core sends an exchange's event, then a count that includes it; the event waits for a frame.
    const asked = ordered.invoke('countExchanges', { session: 'current', filter: '' }).then((r) => log.push(`answer ${JSON.stringify(r)}`));
    pump([{ type: 'exchanges', added: [], updated: [row('1')] }]);
    answer({ ok: true, matched: 1, total: 1 });
    await asked;
    expect(log).toEqual(['exchanges 0+1', 'answer {"ok":true,"matched":1,"total":1}']);
    // The frame that was scheduled finds nothing left to apply.
    frames[0]!();
    expect(log).toHaveLength(2);

  });

  it('merges matches only for filters every event listed', () => {
    expect(mergeMatches([])).toBeUndefined();
    expect(mergeMatches([undefined])).toBeUndefined();
    expect(mergeMatches([{ a: ['1'] }])).toEqual({ a: ['1'] });
    expect(mergeMatches([{ a: ['1'] }, undefined])).toBeUndefined();
    expect(mergeMatches([{ a: ['1'], b: [] }, { a: ['2'] }])).toEqual({ a: ['1', '2'] });
  });
});

describe('settings store', () => {
  it('keeps per-field errors from the core and the saved view on success', async () => {
    const refused = await useSettings.getState().save({ timeout: -1 }, async () => ({ ok: false, errors: { timeout: 'timeout must be a positive integer (ms)' } }));
    expect(refused).toBe(false);
    expect(useSettings.getState().errors).toEqual({ timeout: 'timeout must be a positive integer (ms)' });
    const view = { bucket: 'b', accessTokenLast4: 'abcd', log_body: false, api_endpoint: 'https://api.runscope.com', timeout: 5, keepalive: 30, redact_credentials: true };
    expect(await useSettings.getState().save({ timeout: 5 }, async () => ({ ok: true, settings: view }))).toBe(true);
    expect(useSettings.getState()).toMatchObject({ saved: view, errors: {}, notice: 'Saved' });
  });
});
