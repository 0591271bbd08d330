// The traffic view for daily use: badges that say their value in text, relative
// start times with the exact time on hover, the list and detail side by side
// or stacked with a handle that resizes (sizes, arrangement and theme kept
// across a reload), and the command palette running actions by name.
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
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-daily-'))]);
  for (const path of ['/json', '/missing']) await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}${path}`);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const grid = (page: Page) => page.getByRole('grid', { name: 'Traffic' });
const rows = (page: Page) => grid(page).getByRole('row').filter({ has: page.getByRole('gridcell') });
const detail = (page: Page) => page.locator('.split-detail');
const listHeight = async (page: Page) => (await page.locator('.split-list').boundingBox())!.height;
const background = (page: Page) => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');

test('badges, times, the split and the theme, kept across a reload', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  await expect(page.getByLabel('Exchanges shown')).toHaveText('2 of 2');

  // Method and status are badges whose text says the value; the start time is relative, exact on hover.
  const first = rows(page).nth(0);
  await expect(first.locator('.c-method .pill')).toHaveText('GET');
  await expect(first.locator('.c-status .pill.b-2xx')).toHaveText('200');
  await expect(rows(page).nth(1).locator('.c-status .pill.b-4xx')).toHaveText('404');
  await expect(first.locator('.c-startedAt')).toHaveText(/just now|\d+ s ago/);
  await expect(first.locator('.c-startedAt')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);

  // Enter on a row opens its detail below the list; the handle resizes it from the keyboard.
  await first.click();
  await expect(detail(page).getByRole('heading', { name: /GET http.*\/json/ })).toBeVisible();
  const handle = page.getByRole('separator', { name: /Resize the list and the detail/ });
  const before = await listHeight(page);
  await handle.focus();
  for (let i = 0; i < 4; i++) await handle.press('ArrowUp');
  await expect.poll(() => listHeight(page)).toBeLessThan(before - 20);
  const resized = await listHeight(page);

  // Side by side: the detail moves to the right of the list.
  await page.getByRole('button', { name: 'Side by side' }).click();
  await expect(page.getByRole('button', { name: 'Side by side' })).toHaveAttribute('aria-pressed', 'true');
  const list = (await page.locator('.split-list').boundingBox())!;
  await expect.poll(async () => (await detail(page).boundingBox())!.x).toBeGreaterThan(list.x + list.width - 10);

  // Theme: system (light here) → light → dark; the page's colours follow.
  const light = await background(page);
  await page.getByRole('button', { name: /^Theme: / }).click();
  await expect(page.getByRole('button', { name: /^Theme: / })).toHaveText('Theme: light');
  await page.getByRole('button', { name: /^Theme: / }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => background(page)).not.toBe(light);

  // All three are remembered; back to stacked, the height chosen there is back too.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Side by side' })).toHaveAttribute('aria-pressed', 'true');
  await rows(page).nth(0).click();
  await page.getByRole('button', { name: 'Side by side' }).click();
  await expect(detail(page)).toBeVisible();
  await expect.poll(() => listHeight(page)).toBeCloseTo(resized, -1);
});

test('the command palette runs every action by name', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  await expect(page.getByLabel('Exchanges shown')).toHaveText(/of [1-9]/);
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const command = palette.getByRole('combobox', { name: 'Command' });

  // Ctrl+K opens it, typing narrows it, Enter runs the command and closes it.
  await page.keyboard.press('Control+k');
  await expect(command).toBeFocused();
  for (const name of ['New session', 'Clear traffic', 'Export HAR', 'Import HAR', 'Open browser', 'Settings', 'Rules', 'Compare the two selected exchanges']) {
    await expect(palette.getByRole('option', { name: new RegExp(`^${name}`) })).toHaveCount(1);
  }
  await expect(palette.getByRole('option', { name: /^Compare/ })).toHaveAttribute('aria-disabled', 'true');
  await command.fill('settings');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');

  // Esc closes it without running anything.
  await page.keyboard.press('Control+k');
  await command.fill('rules');
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');

  // Compare, once two rows are selected; then Export HAR from the palette downloads what the grid shows.
  await page.getByRole('tab', { name: 'Traffic' }).click();
  await rows(page).nth(0).click();
  await expect(detail(page)).toBeVisible();
  await rows(page).nth(1).click({ modifiers: ['Control'] });
  await expect(page.getByRole('toolbar', { name: 'Selection' })).toContainText('2 selected');
  await page.getByRole('button', { name: /^Commands/ }).click();
  await command.fill('compare');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('table', { name: 'Request and status lines' })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+k');
  await command.fill('export har');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toMatch(/\.har$/);
  await expect(page.getByRole('status').filter({ hasText: /Exported 2 exchanges/ })).toBeVisible();

  // New session from the palette empties the grid; the filter command puts the focus in the box.
  await page.keyboard.press('Control+k');
  await command.fill('new session');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('0 of 0');
  await page.keyboard.press('Control+k');
  await command.fill('filter the');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('combobox', { name: /filter/i })).toBeFocused();
});
