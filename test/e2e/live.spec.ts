// Exchanges that stay open, in the real UI: a WebSocket and an event stream
// through the headless proxy are listed as open above the grid; Open follows
// each in the detail view as messages and events arrive, then they are
// recorded when they end.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { connectThrough } from '../support/tunnelClient.js';
import { sseStream, startUpstream, type Upstream } from '../support/upstream.js';

let upstream: Upstream;
let app: HeadlessProcess;
const proxyPort = () => Number(new URL(String(app.ready.proxy)).port);

test.beforeAll(async () => {
  upstream = await startUpstream();
  app = await startHeadless(['--port', '0', '--ui-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'e2e-live-'))]);
});

test.afterAll(async () => {
  await app?.exit();
  await upstream?.close();
});

test('a WebSocket: listed as open, its messages shown live, then its close', async ({ page }) => {
  await page.goto(String(app.ready.ui));
  const url = `${upstream.httpUrl.replace('http:', 'ws:')}/ws/echo?e2e=1`;
  const c = await connectThrough(proxyPort(), new URL(url).host);
  c.socket.resume();
  const ws = new WebSocket(url, { createConnection: () => c.socket } as never);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const echoed = new Promise((resolve) => ws.once('message', resolve));
  ws.send('{"hello":"from the test"}');
  await echoed;

  const open = page.getByRole('table', { name: 'Open' });
  await expect(open).toContainText('WebSocket');
  await open.getByRole('button', { name: `Open GET ${url}` }).click();
  const messages = page.getByRole('region', { name: 'WebSocket messages' });
  await expect(messages.getByRole('heading')).toHaveText('Messages · 2');
  await expect(messages.getByRole('option').first()).toContainText('↑ sent');
  await expect(messages.getByRole('option').nth(1)).toContainText('↓ received');
  await expect(messages.getByRole('option').nth(1)).toContainText('from the test');

  // More while the detail is open: it grows without a click.
  ws.send(Buffer.from([0xff, 0xfe, 0x01]));
  await expect(messages.getByRole('heading')).toHaveText('Messages · 4');
  await messages.getByRole('option').nth(3).click();
  await expect(messages.getByRole('figure')).toContainText(/ff fe 01/);
  await page.screenshot({ path: 'test-results/screenshots/websocket.png' });

  ws.close(1000, 'done');
  await expect(messages.getByLabel('Close')).toHaveText('Closed by the client: 1000 done');
  await expect(open).toHaveCount(0);
});

test('an event stream already open when the UI is opened: its events listed with their times as they arrive', async ({ page }) => {
  const url = `${upstream.httpUrl}/sse?id=e2e-live`;
  const proxy = new URL(String(app.ready.proxy));
  const ended = new Promise<void>((resolve, reject) => {
    http
      .get({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: new URL(url).host } }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  const res = await sseStream('e2e-live');
  res.write('event: tick\ndata: first\n\n');
  // Opened only now: the UI learns of the stream by asking, not from the updates it missed.
  await page.goto(String(app.ready.ui));

  const open = page.getByRole('table', { name: 'Open' });
  await open.getByRole('button', { name: `Open GET ${url}` }).click();
  const events = page.getByRole('table', { name: 'Events' });
  await expect(events).toContainText('first');
  await expect(page.getByLabel('Still open')).toContainText('so far');
  res.write('data: second\n\n');
  await expect(events.getByRole('row').filter({ hasText: 'second' })).toContainText(/\+\d+\.\d ms/);
  await events.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/event-stream.png' });
  res.end();
  await ended;
  await expect(open).toHaveCount(0);
  await expect(page.getByRole('grid', { name: 'Traffic' })).toContainText('text/event-stream');
});
