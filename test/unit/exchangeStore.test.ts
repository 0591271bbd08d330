import { describe, expect, it } from 'vitest';
import { CapturedBody, type Exchange } from '../../electron/core/store/exchange.js';
import { ExchangeStore } from '../../electron/core/store/exchangeStore.js';

function exchange(id: string, bodyBytes = 0): Exchange {
  const responseBody = new CapturedBody(1 << 20);
  if (bodyBytes > 0) responseBody.push(Buffer.alloc(bodyBytes));
  return {
    id,
    startedAt: 0,
    method: 'GET',
    url: `http://127.0.0.1:9/${id}`,
    host: '127.0.0.1:9',
    httpVersion: '1.1',
    requestHeaders: '',
    requestBody: new CapturedBody(0),
    status: 200,
    reason: 'OK',
    responseHeaders: '',
    responseBody,
    responseStartedAt: null,
    endedAt: null,
    state: 'complete',
    error: null,
    delivery: null,
  };
}

const ids = (list: Exchange[]) => list.map((e) => e.id);

describe('ExchangeStore', () => {
  it('keeps the newest exchanges in order through many evictions', () => {
    const store = new ExchangeStore(100, Infinity);
    for (let i = 0; i < 10_000; i++) store.add(exchange(`e${i}`));
    expect(store.size).toBe(100);
    expect(ids(store.latest(3))).toEqual(['e9997', 'e9998', 'e9999']);
    expect(ids(store.latest(1000))[0]).toBe('e9900');
    expect(store.get('e9899')).toBeUndefined();
    expect(store.get('e9900')?.id).toBe('e9900');
  });

  it('evicts the oldest when captured bytes pass the bound, and when a body grows', () => {
    const store = new ExchangeStore(1000, 250);
    for (const id of ['a', 'b', 'c']) store.add(exchange(id, 100));
    expect(ids(store.latest(10))).toEqual(['b', 'c']);
    const c = store.get('c')!;
    c.responseBody.push(Buffer.alloc(100));
    store.grew(c, 100);
    expect(ids(store.latest(10))).toEqual(['c']);
  });

  it('starts over after clear()', () => {
    const store = new ExchangeStore(2, Infinity);
    for (const id of ['a', 'b', 'c']) store.add(exchange(id));
    store.clear();
    expect(store.size).toBe(0);
    store.add(exchange('d'));
    expect(ids(store.latest(10))).toEqual(['d']);
  });
});
