// Small versions of the soak scenarios (test/soak/ runs them at 10k exchanges).
import { describe, expect, it } from 'vitest';
import { collectorFaultsScenario, killNineScenario } from '../support/scenarios.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();

describe('fault scenarios (small)', () => {
  it('kill -9 at random points, restart: every reported exchange delivered, none twice', async () => {
    const r = await killNineScenario(upstream(), 300, 2);
    expect(r.missing).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.unique).toBeGreaterThanOrEqual(r.reported);
  }, 180_000);

  it('collector refusing, failing, stalling, rejecting: traffic unaffected, every message sent or failed with a reason', async () => {
    const r = await collectorFaultsScenario(upstream(), 500);
    expect(r.trafficFailures).toBe(0);
    expect(r.exchanges).toBe(500);
    expect(r.settled).toBe(r.exchanges);
    expect(r.failedWithReason).toBe(r.failed);
  }, 300_000);
});
