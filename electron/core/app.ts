// Composition root: builds the parts, wires them, starts and stops them.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreService, DeliverySummary, ExchangeSummary, Status } from './api.js';
import { EventBatcher } from './eventBatcher.js';
import { loadOrCreateCa } from './proxy/ca.js';
import { startProxy } from './proxy/proxy.js';
import { RunscopeClient } from './runscope/client.js';
import { Forwarder } from './runscope/forwarder.js';
import { toRunscopeMessage } from './runscope/message.js';
import { Outbox } from './runscope/outbox.js';
import { createCommandHandlers } from './commandHandlers.js';
import { CAPTURE_DEFAULTS, captureLimitsSchema, type CaptureLimits } from './settings/captureLimits.js';
import { forwardingEnabled, forwardingNote, mergeSettings, type RunscopeSettings } from './settings/schema.js';
import { fileSecretStore, type SecretStore } from './settings/secretStore.js';
import { SettingsStorage } from './settings/storage.js';
import { lockDataDir } from './store/dataDirLock.js';
import { toSummary, type Exchange } from './store/exchange.js';
import { ExchangeStore } from './store/exchangeStore.js';

export interface StartAppOptions {
  dataDir: string;
  port: number;
  host: string;
  secretStore?: SecretStore;
  /** Settings for this run only (CLI flags); validated like saved ones. */
  overrides?: Partial<RunscopeSettings>;
  limits?: Partial<CaptureLimits>;
  /** Extra PEM roots trusted for upstream TLS. */
  upstreamCa?: string[];
  log?: (line: string) => void;
}

export interface App {
  service: CoreService;
  proxyUrl: string;
  caPath: string;
  forwarding(): boolean;
  /** An exchange finished and, when forwarding, its message is on disk. */
  onExchange(listener: (s: ExchangeSummary) => void): void;
  onDelivery(listener: (d: DeliverySummary) => void): void;
  stop(): Promise<void>;
}

/** A data dir we cannot write must not stop the proxy: fall back to memory and say so. */
function openOutbox(path: string, limits: CaptureLimits, log: (line: string) => void): Outbox {
  const bound = { maxMessages: limits.outboxMaxMessages, maxBytes: limits.outboxMaxBytes };
  try {
    return new Outbox(path, bound);
  } catch (err) {
    const outbox = new Outbox(null, bound);
    outbox.durabilityProblem = `outbox not durable: cannot open ${path} (${(err as Error).message}); messages are kept in memory only`;
    log(outbox.durabilityProblem);
    return outbox;
  }
}

export class SettingsError extends Error {
  constructor(readonly errors: Partial<Record<string, string>>) {
    super(Object.values(errors)[0] ?? 'invalid settings');
  }
}

export async function startApp(opts: StartAppOptions): Promise<App> {
  const log = opts.log ?? (() => undefined);
  const limits = captureLimitsSchema.parse({ ...CAPTURE_DEFAULTS, ...opts.limits });
  const outboxPath = join(opts.dataDir, 'outbox.db');
  const unlock = lockDataDir(opts.dataDir, [`${outboxPath}.lock`]);
  try {
    return await assemble(opts, limits, outboxPath, unlock, log);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function assemble(opts: StartAppOptions, limits: CaptureLimits, outboxPath: string, unlock: () => void, log: (line: string) => void): Promise<App> {
  const storage = new SettingsStorage(opts.dataDir, opts.secretStore ?? fileSecretStore(opts.dataDir));
  const loaded = await storage.load();
  if (loaded.warning) log(loaded.warning);
  const merged = mergeSettings(loaded.settings, opts.overrides ?? {});
  if (!merged.ok) throw new SettingsError(merged.errors);
  let settings = merged.settings;

  const ca = await loadOrCreateCa(join(opts.dataDir, 'ca'));
  const caExportedMarker = join(opts.dataDir, 'ca-exported');
  // status() runs on every exchange and delivery: read the marker once, not per call.
  let caExported = existsSync(caExportedMarker);
  const outbox = openOutbox(outboxPath, limits, log);
  const store = new ExchangeStore(limits.storeMaxExchanges, limits.storeMaxBytes);
  const batcher = new EventBatcher();
  const client = new RunscopeClient();
  const exchangeListeners: Array<(s: ExchangeSummary) => void> = [];
  const deliveryListeners: Array<(d: DeliverySummary) => void> = [];
  let outboxProblem: string | null = null;
  let proxyUrl = '';

  const status = (): Status => ({
    proxy: proxyUrl,
    caPath: ca.certPath,
    caExported,
    forwarding: forwardingEnabled(settings) && forwarder.pausedReason === null,
    forwardingNote: forwardingNote(settings) ?? forwarder.pausedReason ?? outbox.lastWriteError ?? outboxProblem ?? outbox.durabilityProblem,
    outboxDepth: outbox.depth,
    lastDeliveryError: forwarder.lastError,
  });

  const forwarder: Forwarder = new Forwarder({
    outbox,
    client,
    settings: () => settings,
    onStatusChange: () => batcher.statusChanged(status()),
    onDelivery: (d) => {
      const ex = store.get(d.exchangeId);
      if (ex) {
        ex.delivery = d.state;
        batcher.exchangeUpdated(toSummary(ex));
      }
      batcher.delivery(d);
      batcher.statusChanged(status());
      for (const l of deliveryListeners) l(d);
    },
  });

  const recorded = (ex: Exchange) => {
    const summary = toSummary(ex);
    batcher.exchangeUpdated(summary);
    batcher.statusChanged(status());
    for (const l of exchangeListeners) l(summary);
  };

  const onEnd = (ex: Exchange) => {
    store.grew(ex, 0);
    if (!forwardingEnabled(settings)) return recorded(ex);
    ex.delivery = 'queued';
    const body = JSON.stringify(toRunscopeMessage(ex, settings.log_body));
    outbox.enqueue(ex.id, body).then(
      (result) => {
        if (result === 'full') {
          ex.delivery = null;
          outboxProblem = `outbox full (${limits.outboxMaxMessages} messages or ${limits.outboxMaxBytes} bytes of undelivered messages): new messages are not queued`;
          log(outboxProblem);
        } else {
          outboxProblem = null;
        }
        recorded(ex);
        forwarder.kick();
      },
      (err: Error) => {
        ex.delivery = null;
        log(err.message);
        recorded(ex);
      },
    );
  };

  const proxy = await startProxy({
    host: opts.host,
    port: opts.port,
    ca,
    upstreamCa: opts.upstreamCa,
    maxBodyBytes: limits.maxBodyBytes,
    upstreamTimeout: limits.upstreamTimeout,
    clientHeadersTimeout: limits.clientHeadersTimeout,
    insecureUpstreamHosts: limits.insecureUpstreamHosts,
    onStart: (ex) => {
      store.add(ex);
      batcher.exchangeAdded(toSummary(ex));
    },
    onEnd,
  });
  proxyUrl = proxy.url;
  forwarder.kick();

  const handlers = createCommandHandlers({
    settings: () => settings,
    saveSettings: async (next) => {
      await storage.save(next);
      settings = next;
      forwarder.settingsChanged();
    },
    status,
    store,
    outbox,
    batcher,
    forwarder,
    ca,
    markCaExported: async () => {
      await writeFile(caExportedMarker, new Date().toISOString(), { mode: 0o600 });
      caExported = true;
    },
  });

  let stopping: Promise<void> | null = null;
  return {
    service: { handlers, subscribe: (listener) => batcher.subscribe(listener) },
    proxyUrl: proxy.url,
    caPath: ca.certPath,
    forwarding: () => forwardingEnabled(settings),
    onExchange: (l) => exchangeListeners.push(l),
    onDelivery: (l) => deliveryListeners.push(l),
    stop: () =>
      (stopping ??= (async () => {
        await proxy.close();
        // Exchanges cut short by the close are recorded and queued in the next turns.
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        await forwarder.stop();
        await client.close();
        outbox.close();
        batcher.flush();
        unlock();
      })()),
  };
}
