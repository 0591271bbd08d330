// "Open browser" with Firefox: its own profile in the data dir whose prefs
// (user.js) send everything through the proxy, loopback included, and whose
// NSS database trusts the proxy's CA, that profile only. Firefox has no
// per-profile trust flag, so NSS's certutil (libnss3-tools) writes the trust.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Firefox's prefs for the profile: the proxy for every scheme and host, and none of its own background traffic. */
export function firefoxPrefs(proxyUrl: string): string {
  const { hostname, port } = new URL(proxyUrl);
  const prefs: Record<string, string | number | boolean> = {
    'network.proxy.type': 1,
    'network.proxy.http': hostname,
    'network.proxy.http_port': Number(port),
    'network.proxy.ssl': hostname,
    'network.proxy.ssl_port': Number(port),
    'network.proxy.share_proxy_settings': true,
    'network.proxy.no_proxies_on': '',
    // Local servers are traffic to inspect too.
    'network.proxy.allow_hijacking_localhost': true,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'toolkit.telemetry.enabled': false,
    'app.update.enabled': false,
    'app.normandy.enabled': false,
    'extensions.update.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.newtabpage.enabled': false,
    // Names are the proxy's to resolve: no DNS over HTTPS or prefetching of Firefox's own.
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.predictor.enabled': false,
  };
  return Object.entries(prefs)
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
    .join('\n');
}

/** Writes the profile: prefs, and the CA trusted for websites in its NSS database. Throws naming what is missing. */
export async function prepareFirefoxProfile(profileDir: string, proxyUrl: string, caCertPath: string): Promise<void> {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(profileDir, 'user.js'), `${firefoxPrefs(proxyUrl)}\n`, { mode: 0o600 });
  const db = `sql:${profileDir}`;
  try {
    if (!existsSync(join(profileDir, 'cert9.db'))) await run('certutil', ['-N', '-d', db, '--empty-password'], { timeout: 10_000 });
    await run('certutil', ['-A', '-d', db, '-n', 'Proxyscope CA', '-t', 'C,,', '-i', caCertPath], { timeout: 10_000 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error("Firefox needs NSS's certutil to trust the CA in its profile: install it (Debian/Ubuntu: libnss3-tools; macOS: brew install nss)");
    throw new Error(`certutil could not add the CA to the Firefox profile: ${(err as Error).message}`);
  }
}
