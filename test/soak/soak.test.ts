// `npm run test:soak`: the fault scenarios at 10k exchanges. Slow; not in `npm test`.
import { describe, expect, it } from 'vitest';
import { collectorFaultsScenario, killNineScenario } from '../support/scenarios.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();

describe('soak', () => {
  it('kill -9 at 5 random points during 10k exchanges, collector down; then up: all delivered', async () => {
    const r = await killNineScenario(upstream(), 10_000, 5);
    console.log('kill -9 soak', r);
    expect(r.missing).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.unique).toBeGreaterThanOrEqual(r.reported);
  }, 1_200_000);

  it('collector faults during 10k exchanges: traffic unaffected and within 10 % of forwarding off, every message settled', async () => {
    const r = await collectorFaultsScenario(upstream(), 10_000);
    console.log('collector faults soak', r, 'ratio', r.forwardingRps / r.baselineRps);
    expect(r.trafficFailures).toBe(0);
    expect(r.settled).toBe(r.exchanges);
    expect(r.failedWithReason).toBe(r.failed);
    expect(r.forwardingRps / r.baselineRps).toBeGreaterThanOrEqual(0.9);
  }, 1_200_000);
});
