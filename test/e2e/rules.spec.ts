// The Rules view through a real browser: headless Proxyscope as a child
// process, real traffic through its proxy to a local upstream, rules edited,
// counted, refused and saved in the UI, and then acting on the traffic.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
const running: HeadlessProcess[] = [];

const start = async (extra: string[] = []) => {
  const app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-rules-')), ...extra]);
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

const send = (app: HeadlessProcess, path: string) => viaProxy(String(app.ready.proxy), `${upstream.httpUrl}${path}`);
const rule = (page: Page, n: number) => page.getByRole('group', { name: new RegExp(`^Rule ${n}\\b`) });
const count = (r: Locator) => r.getByTestId('rule-count');
const shot = (name: string) => `test-results/screenshots/${name}.png`;

test('rules: live match counts, problems in place, a mock that answers, an alert toast', async ({ page }) => {
  const app = await start();
  await page.goto(String(app.ready.ui));
  for (const path of ['/api/x?n=1', '/api/x?n=2', '/api/y', '/json?n=1', '/json?n=2']) await send(app, path);
  // Recorded (the grid counts them) before they are counted for rules.
  await expect(page.getByLabel('Exchanges shown')).toHaveText('5 of 5');

  await page.getByRole('tab', { name: 'Rules' }).click();
  await expect(page.getByText('No rules')).toBeVisible();
  await page.getByRole('button', { name: 'Add rule' }).click();
  const first = rule(page, 1);
  await expect(first.getByLabel('Name')).toBeFocused();
  await first.getByLabel('Name').fill('fake api');
  await expect(first.getByLabel('Action')).toHaveValue('mock');
  await expect(count(first)).toHaveText('all');

  // The live count: as typed, and as traffic arrives.
  const match = first.getByLabel('Match');
  await match.fill('path^=/api');
  await expect(count(first)).toHaveText('3 of 5');
  await match.fill('path^=/json');
  await expect(count(first)).toHaveText('2 of 5');
  await send(app, '/json?n=3');
  await expect(count(first)).toHaveText('3 of 6');

  // A match that does not parse: its error and column instead of a count.
  await match.fill('path^=/api and');
  await expect(first.getByRole('alert')).toHaveText('filter error at column 15: missing filter after `and`');
  await expect(match).toHaveAttribute('aria-invalid', 'true');
  await expect(count(first)).toHaveCount(0);
  await match.fill('path^=/api');
  await expect(count(first)).toHaveText('3 of 6');

  // Refused: the problem next to the status field, the form as it was, no rule in force.
  const status = first.getByLabel('Status');
  await status.fill('99');
  await first.getByLabel('Body').fill('mocked');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Not saved' })).toHaveText('Not saved: the rules in force are unchanged');
  await expect(status).toHaveAttribute('aria-invalid', 'true');
  const problemId = String(await status.getAttribute('aria-describedby'));
  await expect(page.locator(`[id="${problemId}"]`)).toHaveText('Too small: expected number to be >=100');
  await expect(status).toHaveValue('99');
  await expect(first.getByLabel('Body')).toHaveValue('mocked');
  await expect(match).toHaveValue('path^=/api');
  await page.screenshot({ path: shot('rules-refused') });
  const notMocked = await send(app, '/api/z');
  expect([notMocked.status, notMocked.body.toString()]).toEqual([404, 'not found']);

  // Saved: in force at once.
  await status.fill('418');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved$/ })).toHaveText('Saved');
  await expect(status).not.toHaveAttribute('aria-invalid');
  const mocked = await send(app, '/api/z');
  expect([mocked.status, mocked.body.toString()]).toEqual([418, 'mocked']);

  // An alert rule: a 500 from the upstream raises a toast.
  await page.getByRole('button', { name: 'Add rule' }).click();
  const second = rule(page, 2);
  await second.getByLabel('Name').fill('5xx');
  await second.getByLabel('Action').selectOption('alert');
  await expect(second.getByLabel('Notify in the UI')).toBeChecked();
  await second.getByLabel('Match').fill('status>=500');
  await expect(count(second)).toHaveText(/^0 of \d+$/);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved$/ })).toHaveText('Saved');
  await expect(second.getByLabel('At most per second')).toHaveValue('1');
  const failed = await send(app, '/status?code=500');
  expect(failed.status).toBe(500);
  const toasts = page.getByRole('status', { name: 'Alerts' });
  await expect(toasts).toContainText(`5xx · status 500GET ${upstream.httpUrl}/status?code=500`);
  await expect(count(second)).toHaveText(/^1 of \d+$/);
  await page.screenshot({ path: shot('rules-alert') });
  await toasts.getByRole('button', { name: 'Dismiss alert 5xx' }).click();
  await expect(toasts).toHaveText('');
});

test('rules from --rules FILE: said so, shown with their defaults, saved from the view', async ({ page }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'e2e-rules-file-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ version: 1, rules: [{ name: 'slow api', match: 'path^=/api', action: { type: 'delay', ms: 5 } }, { name: 'quiet', match: 'host=127.0.0.1', action: { type: 'alert' } }] }));
  const app = await start(['--rules', file]);
  await page.goto(String(app.ready.ui));
  await page.getByRole('tab', { name: 'Rules' }).click();
  await expect(page.getByRole('note')).toHaveText(`These rules are from --rules ${file} for this run; saving here makes these the saved rules.`);
  await expect(rule(page, 1).getByLabel('Delay (ms)')).toHaveValue('5');
  await expect(rule(page, 2).getByLabel('At most per second')).toHaveValue('1');

  // Reordered by keyboard: the moved rule's button keeps the focus.
  await rule(page, 2).getByRole('button', { name: 'Move rule 2 up' }).focus();
  await page.keyboard.press('Enter');
  await expect(rule(page, 1)).toHaveAccessibleName('Rule 1: quiet');
  await expect(rule(page, 1).getByRole('button', { name: 'Move rule 1 down' })).toBeFocused();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved$/ })).toHaveText('Saved');
  await expect(page.getByRole('note')).toHaveCount(0);
  await expect(page.getByText('Saved rules (rules.json in the data dir)')).toBeVisible();
  await expect(rule(page, 2)).toHaveAccessibleName('Rule 2: slow api');
});
