// The traffic grid over the session store, through a real browser: headless
// Proxyscope as a child process, real traffic through its proxy to a local
// upstream, the grid paging from the core.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
const running: HeadlessProcess[] = [];

const start = async (dataDir = mkdtempSync(join(tmpdir(), 'e2e-grid-'))) => {
  const app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', dataDir]);
  running.push(app);
  return { app, dataDir };
};

test.beforeAll(async () => {
  upstream = await startUpstream();
});

test.afterAll(async () => {
  for (const app of running) await app.exit();
  await upstream?.close();
});

const send = (app: HeadlessProcess, path: string, opts: { method?: string; body?: string } = {}) => viaProxy(String(app.ready.proxy), `${upstream.httpUrl}${path}`, opts);

const grid = (page: Page) => page.getByRole('grid', { name: 'Traffic' });
/** Data rows (the header row has column headers, not cells). */
const rows = (page: Page) => grid(page).getByRole('row').filter({ has: page.getByRole('gridcell') });
const count = (page: Page) => page.getByLabel('Exchanges shown');
const filterBox = (page: Page) => page.getByRole('combobox', { name: 'Filter' });

test('filter, count, sort, columns that stay chosen, HAR of what the filter shows', async ({ page }) => {
  const { app } = await start();
  await page.goto(String(app.ready.ui));
  await expect(count(page)).toHaveText('0 of 0');

  await send(app, '/json?n=1');
  await send(app, '/json?n=2');
  await send(app, '/echo', { method: 'POST', body: '{"a":1}' });
  await send(app, '/echo', { method: 'POST', body: '{"b":2}' });
  await send(app, '/missing');
  await expect(count(page)).toHaveText('5 of 5');
  await expect(rows(page)).toHaveCount(5);

  const filter = filterBox(page);
  await filter.fill('method=POST');
  await expect(count(page)).toHaveText('2 of 5');
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).first()).toContainText('/echo');

  // An invalid filter: its error and column under the box, the grid keeps the last good result.
  await filter.fill('method=POST and');
  await expect(page.getByRole('alert')).toHaveText('filter error at column 16: missing filter after `and`');
  await expect(filter).toHaveAttribute('aria-invalid', 'true');
  await expect(count(page)).toHaveText('2 of 5');
  await expect(rows(page)).toHaveCount(2);

  await filter.fill('status>=400');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(count(page)).toHaveText('1 of 5');
  await expect(rows(page)).toHaveText([/\/missing/]);

  // Live: a new exchange that matches appears, one that does not only counts.
  await send(app, '/gone');
  await send(app, '/json?n=3');
  await expect(count(page)).toHaveText('2 of 7');
  await expect(rows(page)).toHaveCount(2);

  // Suggestions: a field name, then its operators, keyboard-selected.
  await filter.fill('');
  await expect(count(page)).toHaveText('7 of 7');
  await filter.pressSequentially('meth');
  const suggestions = page.getByRole('listbox', { name: 'Filter suggestions' });
  await expect(suggestions.getByRole('option')).toHaveText([/^method/]);
  await filter.press('Enter');
  await expect(filter).toHaveValue('method');
  await expect(suggestions.getByRole('option').first()).toContainText('method=');
  await filter.press('Enter');
  await expect(filter).toHaveValue('method=');
  await expect(suggestions.getByRole('option', { name: /POST/ })).toBeVisible();
  await filter.press('Escape');
  await filter.fill('');

  // Sort by status: ascending, then descending; aria-sort says so.
  const statusHeader = grid(page).getByRole('columnheader', { name: 'Status' });
  await expect(grid(page).getByRole('columnheader', { name: 'HTTP' })).toHaveCount(0); // not a default column
  await statusHeader.getByRole('button').click();
  await expect(statusHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows(page).first()).toContainText('200');
  await statusHeader.getByRole('button').click();
  await expect(statusHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows(page).first()).toContainText('404');

  // Hide a column; it stays hidden after a reload.
  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByRole('dialog', { name: 'Columns' });
  await menu.getByRole('checkbox', { name: 'Host' }).uncheck();
  await menu.getByRole('checkbox', { name: 'HTTP version' }).check();
  await expect(grid(page).getByRole('columnheader', { name: 'Host' })).toHaveCount(0);
  await page.reload();
  await expect(count(page)).toHaveText('7 of 7');
  await expect(grid(page).getByRole('columnheader', { name: 'Path' })).toBeVisible();
  await expect(grid(page).getByRole('columnheader', { name: 'Host' })).toHaveCount(0);
  await expect(grid(page).getByRole('columnheader', { name: 'HTTP' })).toBeVisible();

  // Export HAR of a filter: exactly the exchanges it shows.
  await filterBox(page).fill('method=POST');
  await expect(count(page)).toHaveText('2 of 7');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export HAR' }).click();
  const har = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { log: { entries: Array<{ request: { method: string; url: string; postData?: { text: string } } }> } };
  expect(har.log.entries.map((e) => [e.request.method, e.request.url, e.request.postData?.text])).toEqual([
    ['POST', `${upstream.httpUrl}/echo`, '{"a":1}'],
    ['POST', `${upstream.httpUrl}/echo`, '{"b":2}'],
  ]);
});

test('sessions: a new one empties the grid, a past one opens with its rows', async ({ page }) => {
  const { app } = await start();
  await page.goto(String(app.ready.ui));
  await send(app, '/first-a');
  await send(app, '/first-b');
  await expect(count(page)).toHaveText('2 of 2');

  await page.getByRole('button', { name: 'New session' }).click();
  await expect(count(page)).toHaveText('0 of 0');
  await expect(rows(page)).toHaveCount(0);
  await send(app, '/second');
  await expect(count(page)).toHaveText('1 of 1');
  await expect(rows(page)).toHaveText([/\/second/]);

  await page.getByRole('tab', { name: 'Sessions' }).click();
  const table = page.getByRole('table', { name: 'Sessions' });
  await expect(table.getByRole('row')).toHaveCount(3); // header + two sessions
  const current = table.getByRole('row').filter({ hasText: 'current' });
  const past = table.getByRole('row').filter({ has: page.getByRole('cell') }).filter({ hasNotText: 'current' });
  await expect(current.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await expect(current.getByRole('button', { name: 'Delete' })).toHaveAttribute('title', /cannot be deleted/);
  await expect(past.getByRole('cell').nth(2)).toHaveText('2');

  // Rename the past session inline, then open it.
  await past.getByRole('button', { name: /^Rename/ }).click();
  await page.getByLabel('Session name', { exact: true }).fill('Before the fix');
  await page.getByLabel('Session name', { exact: true }).press('Enter');
  await expect(table).toContainText('Before the fix');
  await table.getByRole('row').filter({ hasText: 'Before the fix' }).getByRole('button', { name: 'Open' }).click();

  await expect(page.getByRole('tab', { name: 'Traffic' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('note', { name: 'Viewed session' })).toHaveText('Viewing Before the fix · Back to current');
  await expect(count(page)).toHaveText('2 of 2');
  await expect(rows(page)).toHaveText([/\/first-a/, /\/first-b/]);
  await rows(page).filter({ hasText: '/first-b' }).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' }).getByRole('heading', { level: 2 })).toHaveText(`GET ${upstream.httpUrl}/first-b`);
  // New traffic goes to the current session, not the one viewed.
  await send(app, '/second-more');
  await page.getByRole('button', { name: 'Back to current' }).click();
  await expect(count(page)).toHaveText('2 of 2');
  await expect(rows(page)).toHaveText([/\/second(?!-)/, /\/second-more/]);

  // A past session exported as HAR, then deleted with its exchanges.
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const renamed = table.getByRole('row').filter({ hasText: 'Before the fix' });
  const download = page.waitForEvent('download');
  await renamed.getByRole('button', { name: 'Export HAR' }).click();
  expect((await download).suggestedFilename()).toBe('proxyscope-Before-the-fix.har');
  const har = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
  expect(har.log.entries.map((e) => e.request.url)).toEqual([`${upstream.httpUrl}/first-a`, `${upstream.httpUrl}/first-b`]);
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await renamed.getByRole('button', { name: 'Delete 2 exchanges' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
});

test('a restart into the same session is marked in the grid', async ({ page }) => {
  const first = await start();
  await send(first.app, '/before-restart');
  await first.app.exit();
  const { app } = await start(first.dataDir);
  await send(app, '/after-restart');
  await page.goto(String(app.ready.ui));
  await expect(count(page)).toHaveText('2 of 2');
  const after = rows(page).filter({ hasText: '/after-restart' });
  await expect(after).toHaveAttribute('title', /^Proxyscope restarted at \d\d:\d\d:\d\d\.\d{3}, before this exchange$/);
  await expect(rows(page).filter({ hasText: '/before-restart' })).not.toHaveAttribute('title', /.+/);
});
