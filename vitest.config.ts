import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/buildCore.ts', 'test/support/sharedCa.ts'],
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/integration/**/*.test.ts', 'test/packaging/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/soak/**', 'node_modules/**', 'dist/**'],
    pool: 'forks',
    // WebAssembly by the baseline compiler only (test/support/headlessProcess.ts does the same for the CLI
    // children): SQLite's optimised recompile costs each app a few hundred ms of CPU that a short test never
    // earns back. Behaviour is the same; the bench and the browser tests run without it.
    execArgv: ['--liftoff-only'],
    // Files share a worker's loaded modules instead of importing them again each: a fifth of the suite's time.
    // It holds because no test file leaves state behind: each starts and stops its own servers, apps and data
    // dirs, and restores what it changes of the environment.
    isolate: false,
    // http-mitm-proxy logs every socket error through console; show logs of failing tests only.
    silent: 'passed-only',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
