// The command half of the API contract, implemented once for both transports.
import type { CommandHandlers, SettingsView, Status } from './api.js';
import type { EventBatcher } from './eventBatcher.js';
import type { CertificateAuthority } from './proxy/ca.js';
import type { DeliveryChannel } from './runscope/deliveryChannel.js';
import { last4, mergeSettings, type RunscopeSettings } from './settings/schema.js';
import { toDetail, toSummary } from './store/exchange.js';
import type { ExchangeStore } from './store/exchangeStore.js';
import { toHar } from './store/har.js';

const APP_VERSION = '0.1.0';

export interface CommandDeps {
  settings(): RunscopeSettings;
  saveSettings(next: RunscopeSettings): Promise<void>;
  status(): Status;
  store: ExchangeStore;
  delivery: Pick<DeliveryChannel<unknown>, 'query'>;
  batcher: EventBatcher;
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
  };
}

export function createCommandHandlers(d: CommandDeps): CommandHandlers {
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
        d.batcher.statusChanged();
        return { ok: true as const, settings: settingsView(merged.settings) };
      });
      saving = result.then(() => undefined);
      return result;
    },
    getStatus: () => d.status(),
    listExchanges: ({ limit }) => d.store.latest(limit ?? 10_000).map(toSummary),
    getExchange: ({ id }) => {
      const ex = d.store.get(id);
      return ex ? toDetail(ex) : null;
    },
    getDelivery: ({ exchangeId }) => d.delivery.query('get', { exchangeId }),
    listDeliveries: ({ limit, state }) => d.delivery.query('list', { limit: limit ?? 1000, ...(state ? { state } : {}) }),
    clearTraffic: () => {
      d.store.clear();
      d.batcher.clearedAll();
      return { ok: true };
    },
    retryDelivery: async ({ exchangeId }) => {
      const summary = await d.delivery.query('requeue', { exchangeId });
      if (!summary) return { ok: false, error: 'only a failed message can be retried' };
      const ex = d.store.get(exchangeId);
      if (ex) ex.delivery = summary.state;
      d.batcher.delivery(summary);
      if (ex) d.batcher.exchangeUpdated(toSummary(ex));
      return { ok: true };
    },
    exportHar: ({ ids }) => {
      const exchanges = ids ? ids.map((id) => d.store.get(id)).filter((e) => e !== undefined) : d.store.latest(Number.MAX_SAFE_INTEGER);
      return { har: JSON.stringify(toHar(exchanges, APP_VERSION)), count: exchanges.length };
    },
    exportCa: async () => {
      await d.markCaExported();
      d.batcher.statusChanged();
      return { pem: d.ca.certPem, path: d.ca.certPath };
    },
  };
}
