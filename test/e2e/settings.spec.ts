// The Settings view through a real browser against headless Proxyscope: its
// groups and one line of help per field, a capture limit edited, applied to
// the next exchange and kept across a reload, the proxy moved to another port
// (a busy one refused first) with traffic and the status following it.
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
let app: HeadlessProcess;
let busy: net.Server;

test.beforeAll(async () => {
  upstream = await startUpstream();
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-settings-'))]);
  busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen({ host: '127.0.0.1', port: 0 }, resolve));
});

test.afterAll(async () => {
  await app?.exit();
  await new Promise((r) => busy?.close(r));
  await upstream?.close();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test('settings are grouped and explain themselves; a capture limit and the port can be changed', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  await page.getByRole('tab', { name: 'Settings' }).click();

  for (const name of ['Runscope forwarding', 'Capture', 'Proxy', 'Collector']) await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  const runscope = page.getByRole('region', { name: 'Runscope forwarding' });
  await expect(runscope.getByLabel('Bucket')).toHaveAccessibleDescription(/bucket key, shown in the bucket's settings and in its URL, e\.g\. abc123xyz/);
  await expect(runscope.getByLabel('Log bodies')).toHaveAccessibleDescription(/request and response bodies to each message \(base64, up to the capture body cap\)/);
  await expect(runscope.getByLabel('Access token')).toHaveAccessibleDescription(/0600 file in the data dir, never shown again/);
  await expect(runscope.getByLabel('Timeout (ms)')).toHaveAccessibleDescription(/in milliseconds.*Kong's timeout/);
  await expect(runscope.getByLabel('Keepalive (ms)')).toHaveAccessibleDescription(/idle connection.*Kong's keepalive/);
  await expect(runscope.getByRole('button', { name: 'Send test message' })).toHaveAccessibleDescription(/one sample message with the saved settings/);
  const capture = page.getByRole('region', { name: 'Capture' });
  for (const label of ['Body cap (bytes)', 'Exchanges in memory', 'Exchanges kept on disk', 'Disk space kept (bytes)']) {
    await expect(capture.getByLabel(label)).toHaveAccessibleDescription(/^.{40,}$/);
  }
  const proxy = page.getByRole('region', { name: 'Proxy', exact: true });
  const proxyPort = Number(new URL(String(app.ready.proxy)).port);
  await expect(proxy.getByLabel('Proxy address')).toHaveValue(`127.0.0.1:${proxyPort}`);
  await expect(proxy.getByLabel('Bind address')).toHaveValue('127.0.0.1');
  await expect(proxy.getByLabel('Proxy port')).toHaveAccessibleDescription(/came from --port/);
  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);

  // A bad value is refused next to its field; a good one applies to the next exchange.
  await capture.getByLabel('Body cap (bytes)').fill('-3');
  await capture.getByRole('button', { name: 'Apply limits' }).click();
  await expect(page.locator('#max-body-bytes-error')).toHaveText('maxBodyBytes must be a whole number of 0 or more');
  await capture.getByLabel('Body cap (bytes)').fill('100');
  await capture.getByRole('button', { name: 'Apply limits' }).click();
  await expect(page.getByRole('status', { name: 'Capture settings result' })).toHaveText('Applied to new exchanges, and kept for the next start');
  await page.screenshot({ path: 'test-results/screenshots/settings-groups.png', fullPage: true });
  await page.reload();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByRole('region', { name: 'Capture' }).getByLabel('Body cap (bytes)')).toHaveValue('100');

  await viaProxy(String(app.ready.proxy), `${upstream.httpUrl}/big?n=5000&e2e=cap`);
  await page.getByRole('tab', { name: 'Traffic' }).click();
  await page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ hasText: '/big' }).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toContainText('truncated: only the first part of this body was kept');

  // The port: a busy one is refused and the proxy stays; a free one takes the listener, the status follows.
  await page.getByRole('tab', { name: 'Settings' }).click();
  const proxyGroup = page.getByRole('region', { name: 'Proxy', exact: true });
  const busyPort = (busy.address() as net.AddressInfo).port;
  await proxyGroup.getByLabel('Proxy port').fill(String(busyPort));
  await proxyGroup.getByRole('button', { name: 'Apply port' }).click();
  await expect(page.locator('#proxy-port-error')).toHaveText(`port ${busyPort} is in use on 127.0.0.1; the proxy stays on 127.0.0.1:${proxyPort}`);
  const next = await freePort();
  await proxyGroup.getByLabel('Proxy port').fill(String(next));
  await proxyGroup.getByRole('button', { name: 'Apply port' }).click();
  await expect(page.getByRole('status', { name: 'Proxy settings result' })).toHaveText(`Proxy now listening on 127.0.0.1:${next}`);
  await expect(proxyGroup.getByLabel('Proxy address')).toHaveValue(`127.0.0.1:${next}`);
  await expect(page.getByRole('status', { name: 'Status' })).toContainText(`http://127.0.0.1:${next}`);
  expect((await viaProxy(`http://127.0.0.1:${next}`, `${upstream.httpUrl}/json?e2e=moved`)).status).toBe(200);
});
