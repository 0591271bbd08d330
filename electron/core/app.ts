// Composition root: builds the parts, wires them, starts and stops them.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreService, DeliverySummary, ExchangeSummary, Status } from './api.js';
import { EventBatcher } from './eventBatcher.js';
import { limitHeapGrowth } from './heapGrowth.js';
import { loadOrCreateCa } from './proxy/ca.js';
import { startProxy } from './proxy/proxy.js';
import { DeliveryChannel } from './runscope/deliveryChannel.js';
import type { ExchangeCopy } from './runscope/deliveryProtocol.js';
import { LoadGauge } from './proxy/loadGauge.js';
import { createCommandHandlers } from './commandHandlers.js';
import { CAPTURE_DEFAULTS, captureLimitsSchema, type CaptureLimits } from './settings/captureLimits.js';
import { forwardingEnabled, forwardingNote, mergeSettings, type RunscopeSettings } from './settings/schema.js';
import { fileSecretStore, type SecretStore } from './settings/secretStore.js';
import { SettingsStorage } from './settings/storage.js';
import { lockDataDir } from './store/dataDirLock.js';
import { toSummary, type CapturedBody, type Exchange } from './store/exchange.js';
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

// An exact-size copy: structured clone would otherwise copy a pooled Buffer's whole slab.
const bytesFor = (body: CapturedBody, logBody: boolean) => (logBody && body.kept > 0 ? new Uint8Array(body.bytes()) : undefined);

/** What the delivery worker needs of an ended exchange to build its message. */
export function copyForDelivery(ex: Exchange, logBody: boolean): ExchangeCopy {
  const { requestBody: req, responseBody: res } = ex;
  return [
    ex.id, ex.startedAt, ex.endedAt, ex.method, ex.url, ex.requestHeaders, ex.responseHeaders, ex.status, ex.reason, logBody,
    req.size, req.truncated, bytesFor(req, logBody),
    res.size, res.truncated, bytesFor(res, logBody),
  ];
}

export class SettingsError extends Error {
  constructor(readonly errors: Partial<Record<string, string>>) {
    super(Object.values(errors)[0] ?? 'invalid settings');
  }
}

export async function startApp(opts: StartAppOptions): Promise<App> {
  const log = opts.log ?? (() => undefined);
  limitHeapGrowth();
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
  const store = new ExchangeStore(limits.storeMaxExchanges, limits.storeMaxBytes);
  const batcher = new EventBatcher(() => status());
  const exchangeListeners: Array<(s: ExchangeSummary) => void> = [];
  const deliveryListeners: Array<(d: DeliverySummary) => void> = [];
  let outboxProblem: string | null = null;
  let proxyUrl = '';

  const delivery = await DeliveryChannel.start<Exchange>(
    { outboxPath, limits: { outboxMaxMessages: limits.outboxMaxMessages, outboxMaxBytes: limits.outboxMaxBytes }, settings },
    {
      onQueued: (ex, result) => {
        if (result instanceof Error) {
          ex.delivery = null;
          log(result.message);
        } else if (result === 'full') {
          ex.delivery = null;
          outboxProblem = `outbox full (${limits.outboxMaxMessages} messages or ${limits.outboxMaxBytes} bytes of undelivered messages): new messages are not queued`;
          log(outboxProblem);
        } else {
          outboxProblem = null;
        }
        recorded(ex);
      },
      log,
      onStatusChange: () => batcher.statusChanged(),
      onDelivery: (d) => {
        const ex = store.get(d.exchangeId);
        if (ex) {
          ex.delivery = d.state;
          batcher.exchangeUpdated(toSummary(ex));
        }
        batcher.delivery(d);
        batcher.statusChanged();
        for (const l of deliveryListeners) l(d);
      },
    },
  );

  const status = (): Status => {
    const d = delivery.status;
    return {
      proxy: proxyUrl,
      caPath: ca.certPath,
      caExported,
      forwarding: forwardingEnabled(settings) && d.pausedReason === null && delivery.failure === null,
      forwardingNote: forwardingNote(settings) ?? delivery.failure ?? d.pausedReason ?? d.lastWriteError ?? outboxProblem ?? d.durabilityProblem,
      outboxDepth: d.depth,
      lastDeliveryError: d.lastError,
    };
  };

  // Delivery holds back while user traffic keeps this thread busy (see LoadGauge).
  const load = new LoadGauge((busy) => delivery.setBusy(busy));

  const recorded = (ex: Exchange) => {
    const summary = toSummary(ex);
    batcher.exchangeUpdated(summary);
    batcher.statusChanged();
    for (const l of exchangeListeners) l(summary);
  };

  const onEnd = (ex: Exchange) => {
    store.grew(ex, 0);
    if (!forwardingEnabled(settings)) return recorded(ex);
    ex.delivery = 'queued';
    delivery.enqueue(copyForDelivery(ex, settings.log_body), ex);
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
      load.exchangeStarted();
      store.add(ex);
      batcher.exchangeAdded(toSummary(ex));
    },
    onEnd,
  });
  proxyUrl = proxy.url;
  load.start();

  const handlers = createCommandHandlers({
    settings: () => settings,
    saveSettings: async (next) => {
      await storage.save(next);
      settings = next;
      delivery.settingsChanged(next);
    },
    status,
    store,
    delivery,
    batcher,
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
        load.stop();
        await delivery.stop();
        batcher.flush();
        unlock();
      })()),
  };
}
