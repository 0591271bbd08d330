import { defineConfig } from '@playwright/test';

// Debian's Chromium: `npx playwright install` cannot download browsers here.
export default defineConfig({
  testDir: 'test/e2e',
  // One CA for every app the specs start (PROXYSCOPE_CA_DIR), made before them.
  globalSetup: './test/support/sharedCa.ts',
  outputDir: 'test-results/playwright',
  // Two at a time; the flood test measures the UI under load, so it runs alone, after the others.
  workers: 2,
  projects: [
    { name: 'views', testIgnore: /flood\.spec\.ts/ },
    { name: 'flood', testMatch: /flood\.spec\.ts/, dependencies: ['views'] },
  ],
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The browser only talks to the UI on 127.0.0.1: no other name resolves, so nothing leaves the machine.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
    },
  },
});
