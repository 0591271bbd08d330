// Breakpoints through a real browser: headless Proxyscope with a --rules file
// pausing one path, requests sent through the proxy from here (not awaited), a
// local upstream that records what it gets. Paused, a request is edited and
// resumed (the upstream gets the edit), dropped (the client's connection
// closes), and answered from the UI (the upstream is never asked).
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  const dir = mkdtempSync(join(tmpdir(), 'e2e-breakpoints-'));
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ version: 1, rules: [{ name: 'pause echo', match: 'path=/echo', action: { type: 'breakpoint' } }] }));
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', join(dir, 'data'), '--rules', rules]);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

const shot = (name: string) => `test-results/screenshots/${name}.png`;
const received = (query: string) => upstream.received.filter((r) => r.url === `/echo?${query}`);
const headerOf = (raw: string[], name: string) => raw[raw.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === name) + 1];

/** Sends a POST through the proxy, not awaited, and waits until the UI shows it paused. */
async function pausedInUi(page: Page, query: string) {
  const url = `${upstream.httpUrl}/echo?${query}`;
  const response = viaProxy(String(app.ready.proxy), url, { method: 'POST', body: `body of ${query}`, headers: { 'content-type': 'text/plain', 'x-e2e': 'before' } });
  response.catch(() => undefined);
  const line = await app.waitFor((e) => e.event === 'paused' && e.url === url, 15_000, `paused line for ${url}`);
  expect(line).toEqual({ event: 'paused', id: expect.any(String), method: 'POST', url, phase: 'request', rule: 'pause echo' });
  const list = page.getByRole('table', { name: 'Paused' });
  await expect(list.getByRole('row').filter({ hasText: url })).toContainText('Paused');
  await list.getByRole('button', { name: `Edit POST ${url}` }).click();
  const editor = page.getByRole('region', { name: 'Paused exchange', exact: true });
  await expect(editor.getByRole('heading')).toHaveText(`Paused at its request: POST ${url}`);
  return { url, response, editor };
}

test('a paused request: edited and resumed, dropped, answered from the UI', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  await expect(page.getByRole('status', { name: 'Status' })).toContainText('Proxy');

  // Edit a header, Resume: the upstream gets the edited header.
  const first = await pausedInUi(page, 'e2e=resume');
  await expect(first.editor.getByLabel('Request body')).toHaveValue('body of e2e=resume');
  const headers = first.editor.getByLabel('Request headers');
  const text = await headers.inputValue();
  expect(text).toContain('x-e2e: before');
  await headers.fill(text.replace('x-e2e: before', 'x-e2e: after'));
  await page.screenshot({ path: shot('breakpoint-paused') });
  expect(received('e2e=resume')).toEqual([]);
  await first.editor.getByRole('button', { name: 'Resume', exact: true }).click();
  const res = await first.response;
  expect(res.status).toBe(200);
  expect(res.body.toString()).toBe('body of e2e=resume');
  expect(headerOf(received('e2e=resume')[0]!.rawHeaders, 'x-e2e')).toBe('after');
  await expect(page.getByRole('region', { name: 'Breakpoints' })).toHaveCount(0);
  await expect(page.getByRole('status', { name: 'Last paused' })).toContainText('e2e=resume: edited');
  // Recorded, the exchange says what the breakpoint did.
  await page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ hasText: '/echo' }).first().click();
  await expect(page.getByRole('region', { name: 'Exchange detail' }).getByLabel('Breakpoint')).toHaveText('Breakpoint "pause echo": request edited');

  // Drop: the client's connection is closed, the upstream never asked.
  const second = await pausedInUi(page, 'e2e=drop');
  await second.editor.getByRole('button', { name: 'Drop', exact: true }).click();
  await expect(second.response).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(received('e2e=drop')).toEqual([]);
  await expect(page.getByRole('status', { name: 'Last paused' })).toContainText('e2e=drop: dropped');

  // Respond: the client gets the answer typed in the UI.
  const third = await pausedInUi(page, 'e2e=respond');
  await third.editor.getByLabel('Answer status').fill('202');
  await third.editor.getByLabel('Answer headers').fill('Content-Type: text/plain\nX-Answered-By: the UI');
  await third.editor.getByLabel('Answer body').fill('answered from the UI');
  await page.screenshot({ path: shot('breakpoint-respond') });
  await third.editor.getByRole('button', { name: 'Respond', exact: true }).click();
  const answered = await third.response;
  expect(answered.status).toBe(202);
  expect(answered.headers['x-answered-by']).toBe('the UI');
  expect(answered.body.toString()).toBe('answered from the UI');
  expect(received('e2e=respond')).toEqual([]);

  // A header the core refuses is named, and the exchange stays paused.
  const fourth = await pausedInUi(page, 'e2e=refused');
  await fourth.editor.getByLabel('Request headers').fill('bad name: x');
  await fourth.editor.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(fourth.editor.getByRole('alert')).toContainText('request.headers.0.0 must be an HTTP header name');
  await fourth.editor.getByRole('button', { name: 'Drop', exact: true }).click();
  await expect(fourth.response).rejects.toThrow();
});
