// "Open browser": Debian's Chromium started by the core (headless here, and
// kept off the network but for 127.0.0.1) with its own profile, through the
// proxy, trusting the proxy's certificates by their key's hash only: an HTTPS
// page loads and is captured, with nothing installed in any trust store.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { browserArgs, findBrowser, spkiHash } from '../../electron/core/browser/browserLauncher.js';
import { killBrowsers, stayLocal } from '../support/browsers.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';
import { viaProxy } from '../support/proxyClient.js';

const OFF_THE_NETWORK = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];

let upstream: Upstream;
let app: App;
let dataDir: string;
const recorded: ExchangeSummary[] = [];
const pids: number[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'open-browser-'));
  // Chromium's own requests (update checks, connectivity probes) come through the proxy: answered here, never sent on.
  app = await startApp({ dataDir, port: 0, host: '127.0.0.1', upstreamCa: [upstream.caPem], browserArgs: OFF_THE_NETWORK, rules: stayLocal() });
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  killBrowsers(pids);
  await app?.stop();
  await upstream?.close();
});

describe('open browser', () => {
  it("hashes the leaf key's public part as Chromium's SPKI list expects", () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const fromPrivate = spkiHash(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    expect(fromPrivate).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(spkiHash(publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBe(fromPrivate);
    const args = browserArgs({ proxyUrl: app.proxyUrl, leafKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), caCertPath: '/ca.pem', profileDir: '/p', url: 'https://example.test/' });
    expect(args).toContain(`--ignore-certificate-errors-spki-list=${fromPrivate}`);
    expect(args).toContain(`--proxy-server=127.0.0.1:${new URL(app.proxyUrl).port}`);
    expect(args).toContain('--proxy-bypass-list=<-loopback>');
    expect(args.at(-1)).toBe('https://example.test/');
  });

  it('opens a browser whose HTTPS goes through the proxy and trusts its certificates, with a profile of its own', async () => {
    expect(findBrowser(), 'a Chromium-family browser (Debian: apt-get install chromium)').not.toBeNull();
    const url = `${upstream.httpsUrl}/json?from=browser`;
    const opened = await app.service.handlers.openBrowser({ url });
    if (!opened.ok) throw new Error(opened.error);
    pids.push(opened.pid);
    const s = await until('the page captured', () => recorded.find((r) => r.url === url), 30_000);
    expect(s.status).toBe(200);
    // Tagged as the browser's, through its own way into the proxy; other clients' traffic is not.
    expect((await app.service.handlers.getExchange({ id: s.id }))?.meta).toMatchObject({ client: 'chromium' });
    await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?from=curl-like`);
    const other = await until('the other client captured', () => recorded.find((r) => r.url.endsWith('from=curl-like')));
    const tagged = await app.service.handlers.queryExchanges({ filter: 'is:browser path=/json', limit: 10 });
    expect(tagged.ok && tagged.rows.map((r) => r.id)).toEqual([s.id]);
    expect((await app.service.handlers.getExchange({ id: other.id }))?.meta.client).toBeUndefined();
    expect(existsSync(join(dataDir, 'browser-profile'))).toBe(true);
  });

  it('refuses a URL that is not http(s), naming the field', async () => {
    const { parseCommand } = await import('../../electron/core/apiSchemas.js');
    expect(parseCommand('openBrowser', { url: 'file:///etc/passwd' })).toEqual({ ok: false, error: 'openBrowser: url must be an http(s) URL' });
  });
});
