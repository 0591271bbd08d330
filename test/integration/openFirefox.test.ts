// "Open browser" with Debian's Firefox ESR (PROXYSCOPE_BROWSER), headless: its
// profile's prefs send everything through the proxy and its NSS database
// trusts the app's CA alone, so an HTTPS page loads and is captured, tagged as
// the browser's. Firefox's own requests are answered by a rule, never sent on.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { firefoxPrefs } from '../../electron/core/browser/firefoxProfile.js';
import { killBrowsers, stayLocal } from '../support/browsers.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const FIREFOX = '/usr/bin/firefox-esr';
let upstream: Upstream;
let app: App;
let dataDir: string;
const recorded: ExchangeSummary[] = [];
const pids: number[] = [];
const saved = process.env.PROXYSCOPE_BROWSER;

beforeAll(async () => {
  upstream = await startUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'open-firefox-'));
  app = await startApp({ dataDir, port: 0, host: '127.0.0.1', upstreamCa: [upstream.caPem], browserArgs: ['--headless'], rules: stayLocal() });
  app.onExchange((s) => recorded.push(s));
  process.env.PROXYSCOPE_BROWSER = FIREFOX;
});

afterAll(async () => {
  if (saved === undefined) delete process.env.PROXYSCOPE_BROWSER;
  else process.env.PROXYSCOPE_BROWSER = saved;
  killBrowsers(pids);
  await app?.stop();
  await upstream?.close();
});

describe('open browser: Firefox', () => {
  it('prefs send every scheme through the given proxy, loopback included', () => {
    const prefs = firefoxPrefs('http://127.0.0.1:43210');
    for (const line of ['"network.proxy.type", 1', '"network.proxy.ssl", "127.0.0.1"', '"network.proxy.ssl_port", 43210', '"network.proxy.http_port", 43210', '"network.proxy.allow_hijacking_localhost", true', '"network.proxy.no_proxies_on", ""']) {
      expect(prefs).toContain(`user_pref(${line});`);
    }
  });

  it('opens Firefox with a profile that trusts the CA and goes through the proxy: an HTTPS page is captured', async () => {
    const url = `${upstream.httpsUrl}/json?from=firefox`;
    const opened = await app.service.handlers.openBrowser({ url });
    if (!opened.ok) throw new Error(opened.error);
    pids.push(opened.pid);
    expect(opened.browser).toBe(FIREFOX);
    const s = await until('the page captured', () => recorded.find((r) => r.url === url), 60_000);
    expect(s.status).toBe(200);
    expect((await app.service.handlers.getExchange({ id: s.id }))?.meta).toMatchObject({ client: 'firefox-esr' });
    const profile = join(dataDir, 'browser-profile-firefox');
    expect(readFileSync(join(profile, 'user.js'), 'utf8')).toContain('"network.proxy.ssl_port"');
  }, 90_000);
});
