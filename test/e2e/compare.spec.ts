// Selecting several rows of the traffic grid and comparing two: headless
// Proxyscope as a child process, real traffic through its proxy to a local
// upstream, the real UI in Chromium.
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
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-compare-'))]);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const send = (path: string, variant: string, body: string) =>
  viaProxy(String(app.ready.proxy), `${upstream.httpUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Variant': variant }, body });

const grid = (page: Page) => page.getByRole('grid', { name: 'Traffic' });
const rows = (page: Page) => grid(page).getByRole('row').filter({ has: page.getByRole('gridcell') });
const selectionBar = (page: Page) => page.getByRole('toolbar', { name: 'Selection' });
const selected = async (page: Page) => {
  const states = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-selected')));
  return states.map((s, i) => (s === 'true' ? i : -1)).filter((i) => i >= 0);
};

test('ctrl-click two rows, Compare: the changed header and a body diff line; shift and the keyboard select ranges', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  await send('/echo?v=1', 'one', '{"name":"ada","n":1,"same":true}');
  await send('/echo?v=2', 'two', '{"n":1, "same": true, "name":"grace"}');
  await send('/echo?v=3', 'three', '{}');
  await send('/echo?v=4', 'four', '{}');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('4 of 4');
  const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

  // A plain click: the row alone, its detail opens.
  await rows(page).nth(0).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await expect(selectionBar(page)).toHaveCount(0);

  // Ctrl/cmd-click adds the second: both highlighted, "2 selected", no single detail.
  await rows(page).nth(1).click({ modifiers: [modifier] });
  await expect.poll(() => selected(page)).toEqual([0, 1]);
  await expect(rows(page).nth(1)).toHaveClass(/selected/);
  await expect(selectionBar(page)).toContainText('2 selected');
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toHaveCount(0);

  await selectionBar(page).getByRole('button', { name: 'Compare' }).click();
  const view = page.getByRole('region', { name: 'Compare exchanges' });
  const lines = view.getByRole('table', { name: 'Request and status lines' });
  await expect(lines.getByRole('row', { name: /^Request/ })).toContainText(`POST ${upstream.httpUrl}/echo?v=1 HTTP/1.1`);
  await expect(lines.getByRole('row', { name: /^Request/ })).toContainText(`POST ${upstream.httpUrl}/echo?v=2 HTTP/1.1`);
  const variant = view.getByRole('table', { name: 'Request headers' }).getByRole('row', { name: /^X-Variant/i });
  await expect(variant.getByRole('cell')).toHaveText(['one', 'two', 'changed']);
  await expect(view.getByRole('table', { name: 'Request headers' }).getByRole('row', { name: /^Content-Type/i }).getByRole('cell').last()).toHaveText('same');
  // The JSON bodies pretty-printed, then diffed: only the name changed (the order of fields is the sender's).
  const requestBody = view.getByRole('figure', { name: 'Request body' });
  await expect(requestBody).toContainText('different');
  await expect(requestBody.locator('.diff-del', { hasText: '"name": "ada"' })).toHaveCount(1);
  await expect(requestBody.locator('.diff-add', { hasText: '"name": "grace"' })).toHaveCount(1);
  await expect(view.getByRole('figure', { name: 'Response body' }).locator('.diff-add', { hasText: '"name": "grace"' })).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screenshots/compare.png' });

  // A third row: Compare is for exactly two; the compare view goes.
  await rows(page).nth(3).click({ modifiers: [modifier] });
  await expect(selectionBar(page)).toContainText('3 selected');
  await expect(selectionBar(page).getByRole('button', { name: 'Compare' })).toBeDisabled();
  await expect(view).toHaveCount(0);

  // Shift-click: the range from the last row clicked.
  await rows(page).nth(1).click({ modifiers: ['Shift'] });
  await expect.poll(() => selected(page)).toEqual([1, 2, 3]);
  // Shift+ArrowUp extends from the anchor; a plain arrow moves to one row.
  await page.keyboard.press('Shift+ArrowUp');
  await expect.poll(() => selected(page)).toEqual([0, 1, 2, 3]);
  await expect(selectionBar(page)).toContainText('4 selected');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => selected(page)).toEqual([1]);
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await page.keyboard.press('Shift+ArrowDown');
  await expect.poll(() => selected(page)).toEqual([1, 2]);

  // Clear selection.
  await selectionBar(page).getByRole('button', { name: 'Clear selection' }).click();
  await expect.poll(() => selected(page)).toEqual([]);
});
