// The screenshots of exchanges still open: a WebSocket's messages and an
// event stream's events, followed live in the detail.
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { connectThrough } from '../support/tunnelClient.js';
import { sseStream } from '../support/upstream.js';
import { openUi, sendTraffic, startSession, type ScriptedSession } from './scriptedSession.js';
import { snap } from './snap.js';

let s: ScriptedSession;
let count: number;

test.beforeAll(async () => {
  s = await startSession();
  count = await sendTraffic(s);
});

test.afterAll(async () => {
  await s?.close();
});

test("a WebSocket's messages", async ({ page }) => {
  await openUi(page, s, count);
  const url = `${s.upstream.httpUrl.replace('http:', 'ws:')}/ws/echo?room=lobby`;
  const tunnel = await connectThrough(Number(new URL(s.proxy).port), new URL(url).host);
  tunnel.socket.resume();
  const ws = new WebSocket(url, { createConnection: () => tunnel.socket } as never);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send('{"type":"join","room":"lobby"}');
  ws.send('{"type":"say","text":"hello"}');
  ws.send(Buffer.from([0xca, 0xfe, 0x01]));

  await page.getByRole('table', { name: 'Open' }).getByRole('button', { name: `Open GET ${url}` }).click();
  const messages = page.getByRole('region', { name: 'WebSocket messages' });
  await expect(messages.getByRole('heading')).toHaveText('Messages · 6');
  await messages.getByRole('option').filter({ hasText: 'hello' }).last().click();
  await expect(messages.getByRole('figure')).toContainText('hello');
  await snap(page, 'websocket');
  ws.close(1000, 'done');
  await expect(page.getByRole('table', { name: 'Open' })).toHaveCount(0);
});

test("an event stream's events", async ({ page }) => {
  await openUi(page, s);
  const url = `${s.upstream.httpUrl}/sse?id=prices`;
  const proxy = new URL(s.proxy);
  const ended = new Promise<void>((resolve, reject) => {
    http
      .get({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: new URL(url).host } }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  const res = await sseStream('prices');
  res.write('event: price\ndata: {"sku":"A-1","price":10}\n\n');
  await page.getByRole('table', { name: 'Open' }).getByRole('button', { name: `Open GET ${url}` }).click();
  const events = page.getByRole('table', { name: 'Events' });
  await expect(events).toContainText('"price":10');
  res.write('event: price\ndata: {"sku":"A-1","price":12}\n\n');
  res.write('data: heartbeat\n\n');
  await expect(events).toContainText('heartbeat');
  await events.scrollIntoViewIfNeeded();
  await snap(page, 'event-stream');
  res.end();
  await ended;
});
