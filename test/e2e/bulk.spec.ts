// Acting on several selected rows in the real UI: pin them (a mark in the
// grid, is:pinned finds them), export them as HAR, delete them (asked twice).
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
let app: HeadlessProcess;

test.beforeAll(async () => {
  upstream = await startUpstream();
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-bulk-'))]);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const rows = (page: Page) => page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ has: page.getByRole('gridcell') });
const bar = (page: Page) => page.getByRole('toolbar', { name: 'Selection' });
const filterBox = (page: Page) => page.getByRole('combobox', { name: 'Filter' });
const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

test('pin, export and delete a selection', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  for (const n of [1, 2, 3]) await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}/json?bulk=${n}`);
  await expect(page.getByLabel('Exchanges shown')).toHaveText('3 of 3');

  // Each click is seen (the detail opens) before the next one adds to the selection.
  await rows(page).nth(0).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await rows(page).nth(2).click({ modifiers: [modifier] });
  await expect(bar(page)).toContainText('2 selected');
  await bar(page).getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(bar(page).getByLabel('Selection result')).toHaveText('Pinned 2');
  await expect(rows(page).nth(0)).toContainText('★ GET');
  await expect(rows(page).nth(1)).not.toContainText('★');
  await page.screenshot({ path: 'test-results/screenshots/bulk.png' });

  const download = page.waitForEvent('download');
  await bar(page).getByRole('button', { name: 'Export HAR' }).click();
  const har = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
  expect(har.log.entries.map((e) => new URL(e.request.url).search).sort()).toEqual(['?bulk=1', '?bulk=3']);

  await filterBox(page).fill('is:pinned');
  await filterBox(page).press('Enter');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('2 of 3');
  await filterBox(page).fill('');
  await filterBox(page).press('Enter');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('3 of 3');

  await rows(page).nth(0).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await rows(page).nth(1).click({ modifiers: [modifier] });
  await bar(page).getByRole('button', { name: 'Delete…' }).click();
  await bar(page).getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete 2' }).click();
  await expect(page.getByLabel('Exchanges shown')).toHaveText('1 of 1');
  await expect(rows(page).nth(0)).toContainText('★ GET');
});
