// The Traffic view's screenshots: the grid with an exchange open and the
// message sent to Runscope for it, two exchanges compared, a pinned selection,
// and the workbench after a resend and a copy as cURL.
import { expect, test } from '@playwright/test';
import { openUi, rowsOf, sendTraffic, startSession, type ScriptedSession } from './scriptedSession.js';
import { snap } from './snap.js';

let s: ScriptedSession;
let count: number;
const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

test.beforeAll(async () => {
  s = await startSession();
  count = await sendTraffic(s);
});

test.afterAll(async () => {
  await s?.close();
});

test('traffic and detail; the message sent', async ({ page }) => {
  await openUi(page, s, count);
  const row = rowsOf(page).filter({ hasText: 'localhost' }).filter({ hasText: '/json' });
  await expect(row).toContainText('sent');
  await row.click();
  const detail = page.getByRole('region', { name: 'Exchange detail' });
  await expect(detail.getByRole('figure', { name: 'Response body' })).toContainText('"hello": "world"');
  const sent = page.getByRole('region', { name: 'Sent to Runscope' });
  await expect(sent.getByTestId('delivery-state')).toHaveText('sent');
  await expect(sent.getByLabel('Runscope message')).toContainText('"url"');
  await snap(page, 'traffic-detail');
  // The detail pane scrolls: the message at its top, the pane shot (an element taller than its pane is cut).
  await sent.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await snap(page, 'sent-message', detail);
});

test('two exchanges compared', async ({ page }) => {
  await openUi(page, s, count);
  const echoes = rowsOf(page).filter({ hasText: '/echo' });
  await echoes.nth(0).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await echoes.nth(1).click({ modifiers: [modifier] });
  const bar = page.getByRole('toolbar', { name: 'Selection' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Compare' }).click();
  const view = page.getByRole('region', { name: 'Compare exchanges' });
  await expect(view.getByRole('figure', { name: 'Request body' }).locator('.diff-add')).not.toHaveCount(0);
  await snap(page, 'compare');
});

test('resend, then copy as cURL', async ({ page, context }) => {
  const ui = String(s.app.ready.ui);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui).origin });
  await openUi(page, s, count);
  await rowsOf(page).filter({ hasText: '/echo' }).first().click();
  const detail = page.getByRole('region', { name: 'Exchange detail' });
  await detail.getByRole('button', { name: 'Resend', exact: true }).click();
  await expect(detail.getByRole('status', { name: 'Resend result' })).toContainText('Resent: 200');
  await detail.getByLabel('Copy as').selectOption('curl');
  await expect(detail.getByRole('status', { name: 'Copy as result' })).toHaveText('Copied as cURL');
  await snap(page, 'resend-copy-as');
});

test('a selection pinned', async ({ page }) => {
  await openUi(page, s);
  await rowsOf(page).nth(1).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toBeVisible();
  await rowsOf(page).nth(3).click({ modifiers: [modifier] });
  const bar = page.getByRole('toolbar', { name: 'Selection' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(bar.getByLabel('Selection result')).toHaveText('Pinned 2');
  await expect(rowsOf(page).nth(1)).toContainText('★');
  await snap(page, 'bulk');
});
