import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/buildCore.ts'],
    // The soak scenarios, and the tests that run small in `npm test` at full size (test/support/scale.ts).
    include: ['test/soak/**/*.test.ts', 'test/unit/outbox.test.ts', 'test/integration/cli.test.ts'],
    env: { PROXYSCOPE_SOAK: '1' },
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 1_200_000,
    hookTimeout: 60_000,
  },
});
