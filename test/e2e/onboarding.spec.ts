// The empty traffic view as a newcomer sees it: the proxy's address and a
// command per client. The curl and Python commands are taken from the page and
// run (against the local upstream, not example.com): their exchanges show up
// and the getting-started panel goes. Then the keyboard: `/` to the filter,
// j/k to move, Esc to close the detail.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

// Not execFileSync: the upstream runs in this process and must keep answering.
const run = promisify(execFile);
let upstream: Upstream;
let app: HeadlessProcess;
let upstreamCaFile: string;

test.beforeAll(async () => {
  upstream = await startUpstream();
  const dir = mkdtempSync(join(tmpdir(), 'e2e-onboarding-'));
  upstreamCaFile = join(dir, 'upstream-ca.pem');
  writeFileSync(upstreamCaFile, upstream.caPem);
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', join(dir, 'data')], { NODE_EXTRA_CA_CERTS: upstreamCaFile });
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const recipe = async (page: Page, client: string) => (await page.getByRole('table', { name: 'Recipes' }).getByRole('row', { name: new RegExp(`^${client}`) }).locator('code').textContent())!;
const rows = (page: Page) => page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ has: page.getByRole('gridcell') });

test('the empty view says how to start, and its commands work as written', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  const start = page.getByRole('region', { name: 'Getting started' });
  await expect(start.getByLabel('Proxy address', { exact: true })).toHaveText(String(app.ready.proxy));
  await expect(start.getByLabel('CA state')).toContainText(String(app.ready.ca));
  await page.screenshot({ path: 'test-results/screenshots/onboarding.png' });

  // As written, but aimed at the local upstream (HTTPS through the proxy, trusting the app's CA).
  const target = `${upstream.httpsUrl}/json?from=recipe`;
  const curl = (await recipe(page, 'curl')).replace('https://example.com/', `'${target}'`);
  const pythonRecipe = await recipe(page, 'Python');
  expect(curl).toContain(`--proxy ${String(app.ready.proxy)}`);
  await run('bash', ['-c', `${curl} --silent --show-error --fail --output /dev/null`], { timeout: 20_000 });
  await expect(page.getByLabel('Exchanges shown')).toHaveText('1 of 1');
  await expect(start).toHaveCount(0);

  const script = join(mkdtempSync(join(tmpdir(), 'recipe-')), 'your_script.py');
  writeFileSync(script, `import requests\nprint(requests.get(${JSON.stringify(`${upstream.httpsUrl}/json?from=python`)}).status_code)\n`);
  const python = pythonRecipe.replace('your_script.py', script);
  expect((await run('bash', ['-c', python], { timeout: 20_000 })).stdout.trim()).toBe('200');
  await expect(page.getByLabel('Exchanges shown')).toHaveText('2 of 2');

  // The keyboard: `/` to the filter, j/k to move, Esc to close the detail.
  await rows(page).nth(0).click();
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toContainText('from=recipe');
  await page.getByRole('grid', { name: 'Traffic' }).press('j');
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toContainText('from=python');
  await page.getByRole('grid', { name: 'Traffic' }).press('k');
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toContainText('from=recipe');
  await page.getByRole('grid', { name: 'Traffic' }).press('Escape');
  await expect(page.getByRole('region', { name: 'Exchange detail' })).toHaveCount(0);
  await page.keyboard.press('/');
  await expect(page.getByRole('combobox', { name: 'Filter' })).toBeFocused();
});
