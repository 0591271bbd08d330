import { describe, expect, it } from 'vitest';
import { LoadGauge } from '../../electron/core/proxy/loadGauge.js';

/** Keeps the event loop busy, the way a burst of proxied traffic does. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LoadGauge', () => {
  it('is busy only with many exchanges and a busy event loop, and reports each change', async () => {
    const changes: boolean[] = [];
    const gauge = new LoadGauge((busy) => changes.push(busy), { windowMs: 100, minExchanges: 10, minUtilization: 0.5 });
    gauge.sample(); // opens a window

    for (let i = 0; i < 20; i++) gauge.exchangeStarted();
    spin(60);
    gauge.sample();
    expect(gauge.busy).toBe(true);

    for (let i = 0; i < 5; i++) gauge.exchangeStarted(); // light traffic, busy loop
    spin(60);
    gauge.sample();
    expect(gauge.busy).toBe(false);

    for (let i = 0; i < 20; i++) gauge.exchangeStarted(); // many exchanges, idle loop
    await new Promise((r) => setTimeout(r, 80));
    gauge.sample();
    expect(gauge.busy).toBe(false);

    expect(changes).toEqual([true, false]);
  });
});
