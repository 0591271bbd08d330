// The whole product through a real browser: headless Proxyscope as a child
// process, a strict collector, real HTTP and HTTPS traffic, the web UI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCollector, type Collector } from '../support/collector.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const TOKEN = 'e2e-secret-token-7a7a';
let upstream: Upstream;
let collector: Collector;
let app: HeadlessProcess;
let ca: string;

test.beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'e2e-bucket' });
  const caFile = join(mkdtempSync(join(tmpdir(), 'e2e-upstream-ca-')), 'ca.pem');
  writeFileSync(caFile, upstream.caPem);
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-'))], { NODE_EXTRA_CA_CERTS: caFile });
  ca = readFileSync(String(app.ready.ca), 'utf8');
});

test.afterAll(async () => {
  await app?.exit();
  await collector?.close();
  await upstream?.close();
});

const shot = (name: string) => `test-results/screenshots/${name}.png`;

test('configure, capture live, see what was sent, survive a collector outage', async ({ page }) => {
  const uiUrl = String(app.ready.ui);
  expect(uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  await page.goto(uiUrl);
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Forwarding off');

  // Settings: an invalid value is refused next to its field, nothing saved.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Bucket').fill('e2e-bucket');
  await page.getByLabel('Access token').fill(TOKEN);
  await page.getByLabel('API endpoint').fill(collector.url);
  await page.getByLabel('Timeout (ms)').fill('-5');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#timeout-error')).toHaveText('timeout must be a positive integer (ms)');
  await page.screenshot({ path: shot('settings-invalid') });
  await page.getByLabel('Timeout (ms)').fill('1000');
  await page.getByLabel('Keepalive (ms)').fill('30');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(page.getByLabel('Access token')).toHaveValue('');
  await expect(page.getByLabel('Access token')).toHaveAttribute('placeholder', '•••• 7a7a');
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Forwarding on');
  // The check before any traffic: the collector's own answer.
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.getByRole('status', { name: 'Test message' })).toContainText(/^Sent to bucket \S+: HTTP 201, Runscope uuid \S+/);
  await page.screenshot({ path: shot('settings') });

  // Live traffic: real HTTP and HTTPS requests through the proxy.
  await page.getByRole('tab', { name: 'Traffic' }).click();
  // The URL column is not a default one: shown here, the rows are told apart by their query.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('dialog', { name: 'Columns' }).getByRole('checkbox', { name: 'URL' }).check();
  await page.getByRole('button', { name: 'Columns' }).click();
  const proxy = String(app.ready.proxy);
  await viaProxy(proxy, `${upstream.httpUrl}/json?e2e=http`);
  await viaProxy(proxy, `${upstream.httpsUrl}/json?e2e=https`, { ca });
  const grid = page.getByRole('grid', { name: 'Traffic' });
  const httpRow = grid.getByRole('row').filter({ hasText: `${upstream.httpUrl}/json?e2e=http` });
  const httpsRow = grid.getByRole('row').filter({ hasText: `${upstream.httpsUrl}/json?e2e=https` });
  await expect(httpRow).toBeVisible();
  await expect(httpsRow).toBeVisible();
  await expect(httpsRow).toContainText('sent');

  // Detail + the exact message sent.
  await httpsRow.click();
  const detail = page.getByRole('region', { name: 'Exchange detail' });
  await expect(detail.getByRole('table', { name: 'Response headers' })).toContainText('set-cookie');
  await expect(detail.getByRole('figure', { name: 'Response body' })).toContainText('"hello": "world"');
  const sent = page.getByRole('region', { name: 'Sent to Runscope' });
  await expect(sent.getByTestId('delivery-state')).toHaveText('sent');
  await expect(sent).toContainText('uuid-');
  await expect(sent.getByLabel('Runscope message')).toContainText(`"url": "${upstream.httpsUrl}/json?e2e=https"`);
  await page.screenshot({ path: shot('traffic-detail') });
  await sent.screenshot({ path: shot('sent-message') });

  // Collector down: the new exchange goes retrying; back up: sent.
  await collector.stop();
  await viaProxy(proxy, `${upstream.httpUrl}/json?e2e=outage`);
  const outageRow = grid.getByRole('row').filter({ hasText: 'e2e=outage' });
  await outageRow.click();
  await expect(sent.getByTestId('delivery-state')).toHaveText('retrying');
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Last delivery error');
  await page.screenshot({ path: shot('retrying') });
  await collector.start();
  await expect(sent.getByTestId('delivery-state')).toHaveText('sent', { timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Status' })).not.toContainText('Last delivery error');

  await page.getByRole('tab', { name: 'Sent to Runscope' }).click();
  await expect(page.getByRole('table', { name: 'Deliveries' })).toContainText('e2e=outage');
  await page.screenshot({ path: shot('sent-to-runscope') });

  await page.getByRole('tab', { name: 'CA certificate' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CA certificate' }).click();
  expect((await download).suggestedFilename()).toBe('proxyscope-ca.pem');
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('CA exported');
  // Debian's Chromium is installed here (the suite runs in it): it is the browser Open browser would start.
  await expect(page.getByLabel('Browsers found')).toContainText('/usr/bin/chromium');
  await page.screenshot({ path: shot('ca') });

  // The token never reached the page.
  expect(await page.content()).not.toContain(TOKEN);
});

test('the UI without the token is refused', async ({ page, request }) => {
  const ui = new URL(String(app.ready.ui));
  const bare = `${ui.origin}/`;
  const res = await request.get(bare);
  expect(res.status()).toBe(401);
  await page.goto(bare);
  await expect(page.locator('body')).toContainText('a valid token is required');
  const wrong = await request.get(`${bare}?token=nope`);
  expect(wrong.status()).toBe(401);
});
