// The detail view's workbench through a real browser: an exchange captured
// through headless Proxyscope from a local upstream, then Resend (a new row,
// selected), Edit and send (the upstream gets the changed method and header; a
// refused edit is shown in place, the form kept), and Copy as cURL (the
// command on the clipboard names the URL).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
let app: HeadlessProcess;

test.beforeAll(async () => {
  upstream = await startUpstream();
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-workbench-'))]);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const shot = (name: string) => `test-results/screenshots/${name}.png`;
const headerOf = (raw: string[], name: string) => raw[raw.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === name) + 1];

test('resend, edit and send, copy as cURL', async ({ page, context }) => {
  const ui = String(app.ready.ui);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui).origin });
  await page.goto(ui);
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Proxy');
  // The URL column tells the rows apart by their query.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('dialog', { name: 'Columns' }).getByRole('checkbox', { name: 'URL' }).check();
  await page.getByRole('button', { name: 'Columns' }).click();

  const url = `${upstream.httpUrl}/echo?wb=1`;
  const sent = () => upstream.received.filter((r) => r.url === '/echo?wb=1');
  const res = await viaProxy(String(app.ready.proxy), url, { method: 'POST', body: 'hello workbench', headers: { 'content-type': 'text/plain', 'x-wb': 'original' } });
  expect(res.status).toBe(200);
  const grid = page.getByRole('grid', { name: 'Traffic' });
  const rows = grid.getByRole('row').filter({ hasText: url });
  await rows.first().click();
  const detail = page.getByRole('region', { name: 'Exchange detail' });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(`POST ${url}`);

  // Resend: a new row, selected, its detail saying how it went.
  await detail.getByRole('button', { name: 'Resend', exact: true }).click();
  await expect(rows).toHaveCount(2);
  await expect(grid.getByRole('row', { selected: true })).toContainText(url);
  await expect(detail.getByRole('status', { name: 'Resend result' })).toContainText('Resent: 200');
  expect(sent().map((r) => r.body.toString())).toEqual(['hello workbench', 'hello workbench']);
  const replayRow = grid.getByRole('row', { selected: true });
  await expect(replayRow).toHaveAttribute('aria-selected', 'true');

  // Back to the original, then Edit and send with another method and header.
  await detail.getByRole('button', { name: 'Show original' }).click();
  await expect(detail.getByRole('status', { name: 'Resend result' })).toHaveCount(0);
  await detail.getByRole('button', { name: 'Edit and send' }).click();
  const form = detail.getByRole('form', { name: 'Edit and send' });
  await expect(form.getByRole('textbox', { name: 'Body', exact: true })).toHaveValue('hello workbench');
  const headers = form.getByRole('textbox', { name: 'Headers', exact: true });
  const text = await headers.inputValue();
  expect(text).toContain('x-wb: original');
  await form.getByRole('textbox', { name: 'Method', exact: true }).fill('PUT');
  await headers.fill(text.replace('x-wb: original', 'x-wb: edited'));

  // A refused edit: said in place, the form and its edits kept.
  await form.getByRole('textbox', { name: 'URL', exact: true }).fill('ftp://127.0.0.1/nope');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByRole('alert')).toContainText('must be an http(s) URL');
  await expect(form.getByRole('textbox', { name: 'Method', exact: true })).toHaveValue('PUT');
  await form.getByRole('textbox', { name: 'URL', exact: true }).fill(url);
  await page.screenshot({ path: shot('edit-and-send') });
  await form.getByRole('button', { name: 'Send' }).click();

  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(`PUT ${url}`);
  await expect(detail.getByRole('status', { name: 'Resend result' })).toContainText('Resent: 200');
  await expect(detail.getByRole('table', { name: 'Request headers' })).toContainText('edited');
  await expect(rows).toHaveCount(3);
  await expect(grid.getByRole('row', { selected: true })).toContainText('PUT');
  const edited = sent()[2]!;
  expect(edited.method).toBe('PUT');
  expect(headerOf(edited.rawHeaders, 'x-wb')).toBe('edited');
  expect(edited.body.toString()).toBe('hello workbench');

  // Copy as cURL: on the clipboard, naming the URL.
  await detail.getByLabel('Copy as').selectOption('curl');
  await expect(detail.getByRole('status', { name: 'Copy as result' })).toHaveText('Copied as cURL');
  const clip = String(await page.evaluate('navigator.clipboard.readText()'));
  expect(clip).toContain(`curl --request PUT`);
  expect(clip).toContain(`--url '${url}'`);
  expect(clip).toContain("--header 'x-wb: edited'");
  await page.screenshot({ path: shot('resend-copy-as') });
});

test('copy as, without a clipboard: the text shown to copy by hand', async ({ page }) => {
  await page.addInitScript("Object.defineProperty(navigator, 'clipboard', { value: undefined })");
  const url = `${upstream.httpUrl}/json?wb=fallback`;
  await viaProxy(String(app.ready.proxy), url);
  await page.goto(String(app.ready.ui));
  await page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ hasText: '/json' }).last().click();
  const detail = page.getByRole('region', { name: 'Exchange detail' });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(`GET ${url}`);
  await detail.getByLabel('Copy as').selectOption('raw');
  await expect(detail.getByRole('status', { name: 'Copy as result' })).toContainText('clipboard is not available');
  // A text box gives its value with LF line ends (the clipboard gets CRLF).
  await expect(detail.getByLabel('Text to copy')).toHaveValue(/^GET \/json\?wb=fallback HTTP\/1\.1\n/);
});
