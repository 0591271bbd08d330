// Send to Runscope… through a real browser: headless Proxyscope with a token but
// no default bucket (captured traffic is not forwarded), the traffic toolbar's
// button sends what the filter shows to a typed bucket of the strict collector
// and counts it up to sent; the Sessions view's button with no bucket is
// refused in place, naming the setting, and nothing is sent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCollector, type Collector } from '../support/collector.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const TOKEN = 'e2e-send-token-5150';
let upstream: Upstream;
let collector: Collector;
let app: HeadlessProcess;

test.beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'team' });
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-send-')), '--access-token', TOKEN, '--api-endpoint', collector.url]);
});

test.afterAll(async () => {
  await app?.exit();
  await collector?.close();
  await upstream?.close();
});

test('the filtered exchanges sent to a chosen bucket, counted to sent; no bucket at all is refused in place', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  const proxy = String(app.ready.proxy);
  for (const p of ['/json?team=1', '/echo', '/json?team=2']) await viaProxy(proxy, `${upstream.httpUrl}${p}`);
  await expect(page.getByLabel('Exchanges shown')).toHaveText('3 of 3');
  await page.getByRole('combobox', { name: 'Filter' }).fill('path=/json');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('2 of 3');
  expect(collector.received).toEqual([]);

  await page.getByRole('button', { name: 'Send to Runscope…' }).click();
  const form = page.getByRole('form', { name: 'Send the filtered exchanges to Runscope' });
  await form.getByLabel('Bucket').fill('team');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status', { name: 'Send to Runscope progress' })).toHaveText('Sent to bucket team: 2 queued / 2 sent / 0 failed of 2');
  await page.screenshot({ path: 'test-results/screenshots/replay-into-bucket.png' });
  expect(collector.arrivals.map((a) => [a.bucket, a.message.request.url]).sort()).toEqual([
    ['team', `${upstream.httpUrl}/json?team=1`],
    ['team', `${upstream.httpUrl}/json?team=2`],
  ]);

  await page.getByRole('tab', { name: 'Sessions' }).click();
  const row = page.getByRole('table', { name: 'Sessions' }).getByRole('row').filter({ hasText: 'current' });
  await row.getByRole('button', { name: 'Send to Runscope…' }).click();
  await row.getByRole('form').getByRole('button', { name: 'Send' }).click();
  await expect(row.getByRole('alert')).toHaveText(/^Not sent: no bucket to send to: .*bucket in Settings/);
  expect(collector.received).toHaveLength(2);
});
