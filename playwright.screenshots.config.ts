import { defineConfig } from '@playwright/test';
import e2e from './playwright.config';

// `npm run screenshots`: the README's images, written to docs/screenshots by
// test/screenshots/*.spec.ts. The browser is the e2e one, launched the same way
// (kept off the network), at a size that reads well in the README.
export default defineConfig({
  testDir: 'test/screenshots',
  outputDir: 'test-results/screenshots-run',
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    launchOptions: e2e.use?.launchOptions,
  },
});
