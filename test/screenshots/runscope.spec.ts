// The Runscope screenshots: Settings after a test message, an exchange
// retrying while the collector is down, the Sent to Runscope list with sent,
// failed and retrying messages, and the filtered exchanges sent to a bucket.
import { expect, test } from '@playwright/test';
import { openUi, rowsOf, SHARE_BUCKET, sendTraffic, startSession, type ScriptedSession } from './scriptedSession.js';
import { snap } from './snap.js';
import { viaProxy } from '../support/proxyClient.js';

let s: ScriptedSession;
let count: number;

test.beforeAll(async () => {
  s = await startSession();
  count = await sendTraffic(s);
});

test.afterAll(async () => {
  await s?.close();
});

test('settings, checked with a test message', async ({ page }) => {
  await openUi(page, s, count);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.getByRole('status', { name: 'Test message' })).toContainText('HTTP 201');
  await snap(page, 'settings');
});

test('a message failed, one retrying while the collector is down', async ({ page }) => {
  await openUi(page, s, count);
  // Refused item by item, as Runscope refuses a message it cannot take: failed, not retried.
  s.collector.setMode('error-item');
  await viaProxy(s.proxy, `${s.upstream.httpUrl}/json?refused=1`);
  await s.app.waitFor((e) => e.event === 'delivery' && e.state === 'failed', 30_000, 'a failed delivery');
  await expect(rowsOf(page).last()).toContainText('failed');
  s.collector.setMode('ok');

  await s.collector.stop();
  await viaProxy(s.proxy, `${s.upstream.httpUrl}/json?outage=1`);
  // The outage row listed before the last row is clicked: the Path column does not tell the two /json rows apart.
  await expect(page.getByLabel('Exchanges shown')).toHaveText(`${count + 2} of ${count + 2}`);
  await rowsOf(page).last().click();
  const sent = page.getByRole('region', { name: 'Sent to Runscope' });
  await expect(sent.getByTestId('delivery-state')).toHaveText('retrying');
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Last delivery error');
  await snap(page, 'retrying');

  await page.getByRole('tab', { name: 'Sent to Runscope' }).click();
  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  await expect(deliveries).toContainText('outage=1');
  await expect(deliveries).toContainText('failed');
  await snap(page, 'sent-to-runscope');
  await s.collector.start();
});

test('the filtered exchanges sent to a bucket', async ({ page }) => {
  await openUi(page, s);
  await page.getByRole('combobox', { name: 'Filter' }).fill('method=POST or status>=400');
  await expect(page.getByLabel('Exchanges shown')).toHaveText(/^4 of /);
  await page.getByRole('button', { name: 'Send to Runscope…' }).click();
  const form = page.getByRole('form', { name: 'Send the filtered exchanges to Runscope' });
  await form.getByLabel('Bucket').fill(SHARE_BUCKET);
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status', { name: 'Send to Runscope progress' })).toContainText('4 sent');
  await snap(page, 'replay-into-bucket');
});
