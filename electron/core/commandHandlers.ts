// The app's own commands (settings, status, CA, clearing); addons add theirs.
import type { CommandHandlers, SettingsView, Status } from './api.js';
import { browserName, findBrowser, findBrowsers, launchBrowser, type BrowserLaunch } from './browser/browserLauncher.js';
import type { EventBatcher } from './eventBatcher.js';
import type { CertificateAuthority } from './proxy/ca.js';
import { last4, mergeSettings, type RunscopeSettings } from './settings/schema.js';

export interface CommandDeps {
  settings(): RunscopeSettings;
  saveSettings(next: RunscopeSettings): Promise<void>;
  status(): Status;
  clear(): void;
  events: EventBatcher;
  /** How "Open browser" sets up a browser, but for the proxy: */
  browser(): Omit<BrowserLaunch, 'url' | 'proxyUrl'>;
  /** the proxy's way in for the browser of that name (its traffic is tagged with it). */
  browserProxyUrl(name: string): Promise<string>;
  ca: CertificateAuthority;
  markCaExported(): Promise<void>;
}

export function settingsView(s: RunscopeSettings): SettingsView {
  return {
    bucket: s.bucket,
    accessTokenLast4: last4(s.access_token),
    log_body: s.log_body,
    api_endpoint: s.api_endpoint,
    timeout: s.timeout,
    keepalive: s.keepalive,
    redact_credentials: s.redact_credentials,
  };
}

type AppCommands = Pick<CommandHandlers, 'getSettings' | 'saveSettings' | 'getStatus' | 'clearTraffic' | 'exportCa' | 'openBrowser' | 'listBrowsers' | 'sendTestMessage'>;

export function appCommands(d: CommandDeps): AppCommands {
  let saving = Promise.resolve();
  return {
    getSettings: () => settingsView(d.settings()),
    saveSettings: (input) => {
      // Saves are serialised so two quick saves cannot interleave their writes.
      const result = saving.then(async () => {
        const merged = mergeSettings(d.settings(), input as Record<string, unknown>);
        if (!merged.ok) return { ok: false as const, errors: merged.errors };
        try {
          await d.saveSettings(merged.settings);
        } catch (err) {
          return { ok: false as const, errors: { settings: `settings could not be saved: ${(err as Error).message}` } };
        }
        d.events.statusChanged();
        return { ok: true as const, settings: settingsView(merged.settings) };
      });
      saving = result.then(() => undefined);
      return result;
    },
    getStatus: () => d.status(),
    clearTraffic: () => {
      d.clear();
      return { ok: true };
    },
    exportCa: async () => {
      await d.markCaExported();
      d.events.statusChanged();
      return { pem: d.ca.certPem, path: d.ca.certPath };
    },
    openBrowser: async ({ url }) => {
      const browser = findBrowser();
      if (!browser) return launchBrowser({ ...d.browser(), proxyUrl: '' }, null);
      const proxyUrl = await d.browserProxyUrl(browserName(browser));
      return launchBrowser({ ...d.browser(), proxyUrl, ...(url ? { url } : {}) }, browser);
    },
    listBrowsers: () => findBrowsers(),
    // Loaded when asked: the Runscope client (undici) is the delivery worker's, not every start's.
    sendTestMessage: async () => (await import('./runscope/testMessage.js')).sendTestMessage(d.settings()),
  };
}
