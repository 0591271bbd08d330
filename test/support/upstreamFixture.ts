// One upstream per test file: started before its tests, closed after.
import { afterAll, beforeAll } from 'vitest';
import { startUpstream, type Upstream } from './upstream.js';

export function upstreamForSuite(): () => Upstream {
  let upstream: Upstream | undefined;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => upstream?.close());
  return () => {
    if (!upstream) throw new Error('upstream not started yet');
    return upstream;
  };
}
