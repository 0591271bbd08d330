// Import HAR through a real browser: headless Proxyscope as a child process,
// a HAR file chosen with the sessions view's button, the progress bar while it
// streams in, the new session listed and opened with its rows; an invalid file
// refused in place, naming the entry and field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generatedEntry, writeGeneratedHar } from '../support/harFiles.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
const running: HeadlessProcess[] = [];
const tmp = () => mkdtempSync(join(tmpdir(), 'e2e-import-'));

const start = async () => {
  const app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', tmp()]);
  running.push(app);
  return app;
};

test.beforeAll(async () => {
  upstream = await startUpstream();
});

test.afterAll(async () => {
  for (const app of running) await app.exit();
  await upstream?.close();
});

const grid = (page: Page) => page.getByRole('grid', { name: 'Traffic' });
const rows = (page: Page) => grid(page).getByRole('row').filter({ has: page.getByRole('gridcell') });
const count = (page: Page) => page.getByLabel('Exchanges shown');
const sessionsTable = (page: Page) => page.getByRole('table', { name: 'Sessions' });

test('a HAR file imported with the button: progress, then a new session that opens with its rows', async ({ page }) => {
  const app = await start();
  await page.goto(String(app.ready.ui));
  await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}/json?live=1`);
  await expect(count(page)).toHaveText('1 of 1');
  // Large enough to take many chunks, so the progress bar is seen.
  const file = join(tmp(), 'shop.har');
  await writeGeneratedHar(file, 6000, 2000);

  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.getByLabel('Import HAR').setInputFiles(file);
  const progress = page.getByRole('progressbar', { name: /^Importing shop\.har: [\d,]+ entries/ });
  await expect(progress).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/har-import.png' });
  await expect(page.getByRole('status', { name: 'Import result' })).toHaveText('Imported 6,000 exchanges from shop.har as “Imported shop.har”', { timeout: 60_000 });
  await expect(progress).toHaveCount(0);

  const imported = sessionsTable(page).getByRole('row').filter({ hasText: 'Imported shop.har' });
  await expect(imported.getByRole('cell').nth(2)).toHaveText('6,000');
  await expect(imported).not.toContainText('current');
  await imported.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('note', { name: 'Viewed session' })).toHaveText('Viewing Imported shop.har · Back to current');
  await expect(count(page)).toHaveText('6,000 of 6,000');
  // The grid shows the newest rows, as for any session.
  const newest = rows(page).filter({ hasText: 'load.example.test/items/5999' });
  await expect(newest).toContainText('200');
  await newest.click();
  await expect(page.getByRole('region', { name: 'Exchange detail' }).getByRole('heading', { level: 2 })).toHaveText('GET https://load.example.test/items/5999?page=9');

  // The current session is still the live one.
  await page.getByRole('button', { name: 'Back to current' }).click();
  await expect(count(page)).toHaveText('1 of 1');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('/json');
});

test('an invalid HAR is refused in place, naming the entry and field; no session is added', async ({ page }) => {
  const app = await start();
  await page.goto(String(app.ready.ui));
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await expect(sessionsTable(page).getByRole('row')).toHaveCount(2); // header + the current session

  const entries: Array<Record<string, any>> = Array.from({ length: 5 }, (_, i) => generatedEntry(i, 10));
  delete entries[3]!.request.url;
  const bad = join(tmp(), 'broken.har');
  writeFileSync(bad, JSON.stringify({ log: { version: '1.2', entries } }));
  await page.getByLabel('Import HAR').setInputFiles(bad);
  await expect(page.getByRole('alert')).toHaveText('broken.har was not imported: entries[3].request.url: missing (expected a string)');
  await expect(sessionsTable(page).getByRole('row')).toHaveCount(2);

  // Not JSON at all: the byte it stops at.
  const notJson = join(tmp(), 'notes.har');
  writeFileSync(notJson, '# my notes');
  await page.getByLabel('Import HAR').setInputFiles(notJson);
  await expect(page.getByRole('alert')).toHaveText('notes.har was not imported: not valid JSON at byte 1 (unexpected "#")');
  // A good file afterwards imports as usual.
  const good = join(tmp(), 'good.har');
  writeFileSync(good, JSON.stringify({ log: { version: '1.2', entries: Array.from({ length: 5 }, (_, i) => generatedEntry(i, 10)) } }));
  await page.getByLabel('Import HAR').setInputFiles(good);
  await expect(page.getByRole('status', { name: 'Import result' })).toHaveText(/^Imported 5 exchanges from good\.har/);
  await expect(sessionsTable(page).getByRole('row')).toHaveCount(3);
});
