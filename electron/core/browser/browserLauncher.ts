// "Open browser": a browser of the user's, started with its own profile in the
// data dir, pointed at the proxy and trusting the proxy's certificates for that
// profile alone, so nothing has to be installed in the system's trust store.
// Chromium matches its SPKI list against the chain the server presents, which
// is the host certificate alone; every host certificate has the one shared
// leaf key, so its hash covers them all. Firefox (firefoxProfile.ts) takes the
// CA into its profile's NSS database.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { prepareFirefoxProfile } from './firefoxProfile.js';

/** base64 SHA-256 of a key's SubjectPublicKeyInfo (from a private or public key PEM): what --ignore-certificate-errors-spki-list takes. */
export function spkiHash(keyPem: string): string {
  const spki = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

const CANDIDATES: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge', '/usr/bin/brave-browser', '/snap/bin/chromium', '/usr/bin/firefox-esr', '/usr/bin/firefox'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
    '/Applications/Firefox.app/Contents/MacOS/firefox',
  ],
  win32: [
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Microsoft\\Edge\\Application\\msedge.exe'),
    join(process.env.LOCALAPPDATA ?? '', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Mozilla Firefox\\firefox.exe'),
  ],
};

/** PROXYSCOPE_BROWSER (when it exists), else every browser installed, in the order one is picked (Chromium-family first). */
export function findBrowsers(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] {
  if (env.PROXYSCOPE_BROWSER) return existsSync(env.PROXYSCOPE_BROWSER) ? [env.PROXYSCOPE_BROWSER] : [];
  // One entry per program: /usr/bin/firefox is often a link to firefox-esr.
  const seen = new Set<string>();
  return (CANDIDATES[platform] ?? []).filter((p) => {
    if (!existsSync(p)) return false;
    const real = realpathSync(p);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** The browser Open browser starts; null when there is none. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | null {
  return findBrowsers(env, platform)[0] ?? null;
}

export interface BrowserLaunch {
  proxyUrl: string;
  /** The shared leaf key of the proxy's host certificates (Chromium trusts its hash). */
  leafKeyPem: string;
  /** The proxy's CA certificate file (Firefox trusts it in its profile). */
  caCertPath: string;
  /** The browser's own profile: its cookies and history stay apart from the user's. */
  profileDir: string;
  url?: string;
  /** Flags added last (tests keep the browser off the network with them). */
  extraArgs?: string[];
}

export function browserArgs(l: BrowserLaunch): string[] {
  const proxy = new URL(l.proxyUrl);
  return [
    `--user-data-dir=${l.profileDir}`,
    `--proxy-server=${proxy.hostname}:${proxy.port}`,
    // Chromium sends loopback directly unless told not to: local servers are traffic to inspect too.
    '--proxy-bypass-list=<-loopback>',
    `--ignore-certificate-errors-spki-list=${spkiHash(l.leafKeyPem)}`,
    '--no-first-run',
    '--no-default-browser-check',
    ...(l.extraArgs ?? []),
    l.url ?? 'about:blank',
  ];
}

export type LaunchResult = { ok: true; browser: string; pid: number } | { ok: false; error: string };

/** What the browser's traffic is tagged with: its executable's name (`chromium`, `firefox-esr`, `Google Chrome`, `msedge`). */
export const browserName = (browser: string): string => browser.replace(/^.*[/\\]/, '').replace(/\.exe$/i, '');

export const isFirefox = (browser: string): boolean => /firefox[^/\\]*$/i.test(browser);

/** Firefox's command line: its own profile (a separate instance, even while the user's Firefox runs). */
export function firefoxArgs(l: BrowserLaunch): string[] {
  return ['-profile', l.profileDir, '-no-remote', '-new-instance', ...(l.extraArgs ?? []), l.url ?? 'about:blank'];
}

/** Starts the browser detached (it outlives a restart of Proxyscope); resolves once it is spawned. */
export async function launchBrowser(l: BrowserLaunch, browser: string | null = findBrowser()): Promise<LaunchResult> {
  if (!browser) return { ok: false, error: 'no Chrome, Chromium, Edge, Brave or Firefox found: install one, or set PROXYSCOPE_BROWSER to its executable' };
  const firefox = isFirefox(browser);
  // Each family has a profile of its own: they cannot share one.
  const launch = firefox ? { ...l, profileDir: `${l.profileDir}-firefox` } : l;
  if (firefox) {
    try {
      await prepareFirefoxProfile(launch.profileDir, launch.proxyUrl, launch.caCertPath);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }
  return new Promise((resolve) => {
    const child = spawn(browser, firefox ? firefoxArgs(launch) : browserArgs(launch), { detached: true, stdio: 'ignore' });
    child.once('error', (err) => resolve({ ok: false, error: `${browser} could not be started: ${err.message}` }));
    child.once('spawn', () => {
      child.unref();
      resolve({ ok: true, browser, pid: child.pid! });
    });
  });
}
