// The scripted session the screenshots show: a local upstream (HTTP, HTTPS,
// WebSockets, event streams), a strict collector standing in for Runscope,
// rules that mock a page and an image and alert on a 5xx, and headless
// Proxyscope forwarding to that collector.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { startCollector, type Collector } from '../support/collector.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

export const TOKEN = 'shots-token-0c5e';
export const BUCKET = 'demo-bucket';
/** A second bucket the collector takes, for Send to Runscope…. */
export const SHARE_BUCKET = 'team-share';

// A 1×1 PNG: the image the logo rule answers with.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const PAGE = '<!doctype html>\n<html><head><title>Shop</title></head>\n<body><h1>Welcome</h1><img src="/logo.png"></body></html>\n';

export interface ScriptedSession {
  upstream: Upstream;
  collector: Collector;
  app: HeadlessProcess;
  proxy: string;
  /** PEM of Proxyscope's CA, for HTTPS through the proxy. */
  ca: string;
  dir: string;
  close(): Promise<void>;
}

export async function startSession(): Promise<ScriptedSession> {
  const dir = mkdtempSync(join(tmpdir(), 'shots-'));
  const upstream = await startUpstream();
  const collector = await startCollector({ token: TOKEN, bucket: BUCKET, buckets: [SHARE_BUCKET] });
  const upstreamCa = join(dir, 'upstream-ca.pem');
  writeFileSync(upstreamCa, upstream.caPem);
  writeFileSync(join(dir, 'logo.png'), PNG);
  const rules = [
    { name: 'landing page', match: 'path=/index.html', action: { type: 'mock', headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE } },
    { name: 'logo', match: 'path=/logo.png', action: { type: 'mock', headers: { 'content-type': 'image/png' }, file: join(dir, 'logo.png') } },
    { name: '5xx', match: 'status>=500', action: { type: 'alert' } },
  ];
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ version: 1, rules }));
  const app = await startHeadless(
    ['--port', '0', '--ui-port', '0', '--data-dir', join(dir, 'data'), '--rules', join(dir, 'rules.json'), '--bucket', BUCKET, '--access-token', TOKEN, '--api-endpoint', collector.url],
    { NODE_EXTRA_CA_CERTS: upstreamCa },
  );
  return {
    upstream,
    collector,
    app,
    dir,
    proxy: String(app.ready.proxy),
    ca: readFileSync(String(app.ready.ca), 'utf8'),
    async close() {
      await app.exit();
      await collector.close();
      await upstream.close();
    },
  };
}

const json = { 'content-type': 'application/json' };

/** The traffic every view starts from, sent one after another so the rows keep this order. */
export async function sendTraffic(s: ScriptedSession): Promise<number> {
  const { httpUrl, httpsUrl } = s.upstream;
  const requests: Array<[string, Parameters<typeof viaProxy>[2]?]> = [
    [`${httpUrl}/index.html`],
    [`${httpUrl}/logo.png`],
    [`${httpsUrl}/json?user=ada`, { ca: s.ca }],
    [`${httpUrl}/echo?v=1`, { method: 'POST', headers: { ...json, 'x-variant': 'one' }, body: '{"name":"ada","n":1,"same":true}' }],
    [`${httpUrl}/echo?v=2`, { method: 'POST', headers: { ...json, 'x-variant': 'two' }, body: '{"n":1, "same": true, "name":"grace"}' }],
    [`${httpUrl}/status?code=201`, { method: 'PUT', headers: json, body: '{"sku":"A-1"}' }],
    [`${httpsUrl}/status?code=304`, { ca: s.ca, headers: { 'if-none-match': '"v1"' } }],
    [`${httpsUrl}/binary`, { ca: s.ca }],
    [`${httpUrl}/gzip`],
    [`${httpUrl}/missing`, { method: 'DELETE' }],
    [`${httpUrl}/status?code=500`],
  ];
  const before = s.collector.received.length;
  for (const [url, opts] of requests) await viaProxy(s.proxy, url, opts);
  // Forwarded before any view is shot, so each row says sent and a spec may change the collector's mode.
  await s.collector.waitFor(before + requests.length);
  return requests.length;
}

/** Opens the UI with the theme left to the OS, so snap() can switch it by emulation. */
export async function openUi(page: Page, s: ScriptedSession, rows?: number): Promise<void> {
  // A string: this project's type-check has no DOM types.
  await page.addInitScript(`localStorage.setItem('proxyscope.ui', ${JSON.stringify(JSON.stringify({ theme: 'system' }))})`);
  await page.goto(String(s.app.ready.ui));
  if (rows !== undefined) await expect(page.getByLabel('Exchanges shown')).toHaveText(`${rows} of ${rows}`);
}

export const rowsOf = (page: Page) => page.getByRole('grid', { name: 'Traffic' }).getByRole('row').filter({ has: page.getByRole('gridcell') });
