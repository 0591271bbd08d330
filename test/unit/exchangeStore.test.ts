import { describe, expect, it } from 'vitest';
import { ExchangeStore } from '../../electron/core/addons/store/exchangeStore.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { body, exchange as anExchange } from '../support/exchanges.js';

function exchange(id: string, bodyBytes = 0): Exchange {
  return anExchange({ id, method: 'GET', url: `http://127.0.0.1:9/${id}`, resBody: body(Buffer.alloc(bodyBytes)) });
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
    c.response!.body.push(Buffer.alloc(100));
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
