// The other views' screenshots: the empty Traffic view a newcomer sees, a HAR
// file importing in Sessions, the scripted session's rules, and the CA view.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeGeneratedHar } from '../support/harFiles.js';
import { openUi, sendTraffic, startSession, type ScriptedSession } from './scriptedSession.js';
import { snap } from './snap.js';

test('getting started, before any traffic', async ({ page }) => {
  const fresh = await startSession();
  try {
    await openUi(page, fresh);
    const start = page.getByRole('region', { name: 'Getting started' });
    await expect(start.getByLabel('Proxy address', { exact: true })).toHaveText(fresh.proxy);
    await snap(page, 'onboarding');
  } finally {
    await fresh.close();
  }
});

test.describe('with traffic', () => {
  let s: ScriptedSession;
  let count: number;

  test.beforeAll(async () => {
    s = await startSession();
    count = await sendTraffic(s);
  });

  test.afterAll(async () => {
    await s?.close();
  });

  test('a HAR file importing', async ({ page }) => {
    await openUi(page, s, count);
    // Large enough that the progress bar stays up for both schemes' shots.
    const file = join(s.dir, 'shop.har');
    await writeGeneratedHar(file, 4000, 2000);
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.getByLabel('Import HAR').setInputFiles(file);
    const progress = page.getByRole('progressbar', { name: /^Importing shop\.har: [1-9][\d,]* entries/ });
    await expect(progress).toBeVisible();
    await snap(page, 'har-import');
    await expect(progress).toBeVisible();
    await expect(page.getByRole('status', { name: 'Import result' })).toContainText('Imported 4,000 exchanges', { timeout: 90_000 });
  });

  test('the rules, with their counts', async ({ page }) => {
    await openUi(page, s, count);
    await page.getByRole('tab', { name: 'Rules' }).click();
    await expect(page.getByRole('group', { name: /^Rule 3\b/ }).getByTestId('rule-count')).toHaveText(/^1 of \d+$/);
    await snap(page, 'rules');
  });

  test('the CA certificate, exported', async ({ page }) => {
    await openUi(page, s, count);
    await page.getByRole('tab', { name: 'CA certificate' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CA certificate' }).click();
    await download;
    await expect(page.getByRole('status', { name: 'Status' })).toContainText('CA exported');
    await expect(page.getByLabel('Browsers found')).toBeVisible();
    await snap(page, 'ca');
  });
});
