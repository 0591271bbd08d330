// axe-core over every view, in the light and the dark theme: no serious or
// critical violation anywhere. The session behind it has traffic, a delivered
// and a refused Runscope message, a rule and a past session, so the views show
// their full shape rather than their empty states.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startCollector, type Collector } from '../support/collector.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
let collector: Collector;
let app: HeadlessProcess;

test.beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: 'a11y-token', bucket: 'a11ybucket' });
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-a11y-')), '--bucket', 'a11ybucket', '--api-endpoint', collector.url], { RUNSCOPE_ACCESS_TOKEN: 'a11y-token' });
  for (const path of ['/json', '/missing', '/html']) await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}${path}`);
  await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
});

test.afterAll(async () => {
  await app?.exit();
  await collector?.close();
  await upstream?.close();
});

// The dark theme changes colours only, so there axe checks contrast alone (the structure was checked in light).
async function serious(page: Page, view: string): Promise<void> {
  const axe = new AxeBuilder({ page });
  const dark = await page.evaluate<boolean>("matchMedia('(prefers-color-scheme: dark)').matches");
  const { violations } = await (dark ? axe.withRules(['color-contrast']) : axe).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`);
  expect(report, report.join('\n')).toEqual([]);
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Traffic' });
const rows = (page: Page) => grid(page).getByRole('row').filter({ has: page.getByRole('gridcell') });

for (const theme of ['light', 'dark'] as const) {
  test(`every view passes axe (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(String(app.ready.ui));
    await expect(page.getByLabel('Exchanges shown')).toHaveText('4 of 4');
    await expect(rows(page).filter({ hasText: 'sent' })).toHaveCount(4);
    await serious(page, 'traffic');

    await rows(page).nth(0).click();
    await expect(page.locator('.split-detail h2')).toBeVisible();
    await serious(page, 'detail (stacked)');
    await page.getByRole('button', { name: 'Side by side' }).click();
    await serious(page, 'detail (side by side)');
    await page.getByRole('button', { name: 'Side by side' }).click();

    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
    await serious(page, 'command palette');
    await page.keyboard.press('Escape');

    const views: Array<[string, () => Promise<void>]> = [
      ['Sessions', () => expect(page.getByRole('table').first()).toBeVisible()],
      ['Rules', () => expect(page.getByRole('button', { name: /Add rule/ })).toBeVisible()],
      ['Sent to Runscope', () => expect(page.getByRole('table').first()).toContainText('sent')],
      ['Settings', () => expect(page.getByRole('heading', { name: 'Runscope forwarding' })).toBeVisible()],
      ['CA certificate', () => expect(page.getByRole('button', { name: 'Export CA certificate' })).toBeVisible()],
    ];
    for (const [tab, ready] of views) {
      await page.getByRole('tab', { name: tab }).click();
      await ready();
      await serious(page, tab);
    }
  });
}
