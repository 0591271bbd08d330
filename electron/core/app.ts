// Composition root: the list of addons, and the lifecycle around them.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandArg, CommandHandlers, CoreService, DeliverySummary, ExchangeDetail, ExchangeSummary, PausedExchange, RuleAlert, Status } from './api.js';
import { commandArgSchemas } from './apiSchemas.js';
import { SettingsError, type App, type StartAppOptions } from './appContract.js';
import { captureCommands, effectiveCapture } from './captureCommands.js';
import { appCommands } from './commandHandlers.js';
import { proxyCommands } from './proxyCommands.js';
import { startControlEndpoint } from './control/controlEndpoint.js';
import { EventBatcher } from './eventBatcher.js';
import { limitHeapGrowth } from './heapGrowth.js';
import { eventsAddon } from './addons/events.js';
import { listenersAddon } from './addons/listeners.js';
import { pinsAddon } from './addons/pins.js';
import { webhooksAddon } from './addons/webhooks.js';
import { forwardAddon } from './addons/forward/forward.js';
import { replayAddon } from './addons/replay/replay.js';
import { rulesAddon } from './addons/rules/rules.js';
import { memoryOnlyAddon } from './addons/sessions/memoryOnly.js';
import { COLLECTOR_DEFAULT_PORT, collectorControl, storeThenForward, type CollectorControl } from './collector/appCollector.js';
import type { CollectedEvent } from './collector/collectorServer.js';
import { sessionsAddon, type SessionsAddon } from './addons/sessions/sessions.js';
import { storeAddon } from './addons/store/store.js';
import type { Addon } from './pipeline/addon.js';
import { Pipeline } from './pipeline/pipeline.js';
import { RulesStorage } from './rules/rulesStorage.js';
import { loadOrCreateCa } from './proxy/ca.js';
import { startListener } from './proxy/proxyListener.js';
import type { PassthroughPredicate } from './proxy/tunnel.js';
import { CAPTURE_DEFAULTS, captureLimitsSchema, type CaptureLimits } from './settings/captureLimits.js';
import { CAPTURE_FIELDS, CaptureStorage } from './settings/captureSettings.js';
import { ProxyPortStorage } from './settings/proxyPort.js';
import { forwardingEnabled, mergeSettings } from './settings/schema.js';
import { fileSecretStore } from './settings/secretStore.js';
import { SettingsStorage } from './settings/storage.js';
import { lockDataDir } from './files/dataDirLock.js';

export { SettingsError, type App, type StartAppOptions } from './appContract.js';

export async function startApp(opts: StartAppOptions): Promise<App> {
  limitHeapGrowth();
  captureLimitsSchema.parse({ ...CAPTURE_DEFAULTS, ...opts.limits });
  const outboxPath = join(opts.dataDir, 'outbox.db');
  const unlock = lockDataDir(opts.dataDir, [`${outboxPath}.lock`, `${join(opts.dataDir, 'sessions.db')}.lock`]);
  try {
    return await assemble(opts, outboxPath, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function assemble(opts: StartAppOptions, outboxPath: string, unlock: () => void): Promise<App> {
  const log = opts.log ?? (() => undefined);
  // The editable limits: a flag's value (opts.limits) over what Settings saved.
  const captureStorage = new CaptureStorage(opts.dataDir);
  const savedCapture = await captureStorage.load();
  if (savedCapture.warning) log(savedCapture.warning);
  const captureFlags = Object.fromEntries(CAPTURE_FIELDS.filter((f) => opts.limits?.[f] !== undefined).map((f) => [f, opts.limits![f]]));
  const limits: CaptureLimits = captureLimitsSchema.parse({ ...CAPTURE_DEFAULTS, ...opts.limits, ...effectiveCapture(savedCapture.values, captureFlags) });
  const storage = new SettingsStorage(opts.dataDir, opts.secretStore ?? fileSecretStore(opts.dataDir));
  const loaded = await storage.load();
  if (loaded.warning) log(loaded.warning);
  const merged = mergeSettings(loaded.settings, opts.overrides ?? {});
  if (!merged.ok) throw new SettingsError(merged.errors);
  let settings = merged.settings;

  const ca = await loadOrCreateCa(opts.caDir || process.env.PROXYSCOPE_CA_DIR || join(opts.dataDir, 'ca'));
  const caExportedMarker = join(opts.dataDir, 'ca-exported');
  // status() runs on every exchange and delivery: read the marker once, not per call.
  let caExported = existsSync(caExportedMarker);
  const exchangeListeners: Array<(s: ExchangeSummary) => void> = [];
  const deliveryListeners: Array<(d: DeliverySummary) => void> = [];
  const alertListeners: Array<(a: RuleAlert) => void> = [];
  const pausedListeners: Array<(p: PausedExchange) => void> = [];
  const collectedListeners: Array<(e: CollectedEvent) => void> = [];
  if (opts.collector && opts.sessionStore === false) throw new SettingsError({ collector: '--collector needs the session store: drop --no-session-store' });
  const sessions: Addon | SessionsAddon = opts.sessionStore === false
    ? memoryOnlyAddon()
    : sessionsAddon({
        path: join(opts.dataDir, 'sessions.db'),
        retention: { maxExchanges: limits.storedMaxExchanges, maxBytes: limits.storedMaxBytes },
        memoryRetention: { maxExchanges: limits.storeMaxExchanges, maxBytes: limits.storeMaxBytes },
        newSession: opts.newSession ?? false,
      });
  // First: its request rules decide before anyone records, its redactions come before any copy is kept.
  const rules = rulesAddon({
    storage: new RulesStorage(opts.dataDir),
    override: opts.rules ?? null,
    onAlert: (a) => alertListeners.forEach((l) => l(a)),
    onWebhook: (url, payload) => webhooks.add(url, payload),
    breakpointTimeoutMs: limits.breakpointTimeout,
    onPaused: (p) => pausedListeners.forEach((l) => l(p)),
  });
  let proxyUrl = (): string => '';
  let proxyNote = (): string | null => null;
  let ownPorts = (): number[] => [];
  const webhooks = webhooksAddon({ path: join(opts.dataDir, 'webhooks.db'), ownPorts: () => ownPorts() });
  let passthrough: PassthroughPredicate | null = opts.passthrough ?? ((host, port) => rules.passthroughFor(host, port));
  // Resend reads the exchange through the store's command, answered once the handlers exist.
  let storedExchange: (id: string) => Promise<ExchangeDetail | null> = async () => null;
  const replay = replayAddon({ proxyUrl: () => proxyUrl(), caPem: ca.certPem, getExchange: (id) => storedExchange(id), timeoutMs: limits.upstreamTimeout + 5000 });
  const forward = forwardAddon({
    outboxPath,
    redactions: [(state) => rules.forwardRedaction(state), ...(opts.redactions ?? [])],
    limits: { outboxMaxMessages: limits.outboxMaxMessages, outboxMaxBytes: limits.outboxMaxBytes },
    onDelivery: (d) => deliveryListeners.forEach((l) => l(d)),
    replaySource: 'collect' in sessions ? (sessions as SessionsAddon) : null,
  });
  const memory = storeAddon({ maxExchanges: limits.storeMaxExchanges, maxBytes: limits.storeMaxBytes });
  const pipeline = new Pipeline([
    ...(opts.addons ?? []),
    // First: it takes its marker off a resent request before any rule or recorder sees it.
    replay,
    rules,
    memory,
    eventsAddon(),
    pinsAddon(),
    webhooks,
    sessions,
    // Before forward: its recorded hook reports deliveries held back until the exchange itself is reported.
    listenersAddon(exchangeListeners),
    forward,
  ]);
  const status = (): Status =>
    pipeline.status({ proxy: proxyUrl(), proxyNote: proxyNote(), caPath: ca.certPath, caExported, forwarding: false, forwardingNote: null, outboxDepth: 0, lastDeliveryError: null, storeNote: null, evictionNote: null, bodiesUnindexed: 0 });
  const events = new EventBatcher(status);
  await pipeline.start({ settings: () => settings, log, events });

  const portStorage = new ProxyPortStorage(opts.dataDir);
  const savedPort = await portStorage.load();
  if (savedPort.warning) log(savedPort.warning);
  let listener;
  try {
    listener = await startListener(
      {
        host: opts.host,
        ca,
        upstreamCa: opts.upstreamCa,
        maxBodyBytes: limits.maxBodyBytes,
        upstreamTimeout: limits.upstreamTimeout,
        clientHeadersTimeout: limits.clientHeadersTimeout,
        insecureUpstreamHosts: limits.insecureUpstreamHosts,
        // Read per CONNECT, so setPassthrough takes effect at once.
        passthrough: (host, port) => passthrough?.(host, port) ?? null,
        hooks: pipeline,
        log,
      },
      { port: opts.port ?? savedPort.port, explicit: opts.port !== undefined, skip: [...(opts.reservedPorts ?? []), opts.collector?.port ?? COLLECTOR_DEFAULT_PORT] },
    );
  } catch (err) {
    await pipeline.stop();
    throw err;
  }
  const proxy = listener;
  proxyUrl = () => proxy.current().url;
  proxyNote = () => proxy.note();
  ownPorts = () => proxy.current().ownPorts();
  let collector: CollectorControl | null = null;
  const noStore = { ok: false as const, error: 'the collector needs the session store: start without --no-session-store' };
  const handlers = {
    ...pipeline.commands(),
    getCollector: () => collector?.view() ?? { running: false, url: null, token: null, port: 0 },
    setCollector: ({ enabled, port }: CommandArg<'setCollector'>) => (collector ? collector.set(enabled, port) : noStore),
    resendExchange: ({ id, request }: CommandArg<'resendExchange'>) => replay.resend(id, request),
    ...captureCommands({
      storage: captureStorage,
      saved: savedCapture.values,
      flags: captureFlags,
      sessionStore: 'collect' in sessions,
      apply: async (v) => {
        proxy.setMaxBodyBytes(v.maxBodyBytes);
        memory.setMaxExchanges(v.storeMaxExchanges);
        if ('collect' in sessions) await (sessions as SessionsAddon).setRetention({ maxExchanges: v.storedMaxExchanges, maxBytes: v.storedMaxBytes });
      },
      statusChanged: () => events.statusChanged(),
    }),
    ...proxyCommands({ listener: proxy, host: opts.host, storage: portStorage, savedPort: savedPort.port, portFlag: opts.port !== undefined, statusChanged: () => events.statusChanged() }),
    ...appCommands({
      settings: () => settings,
      saveSettings: async (next) => {
        await storage.save(next);
        settings = next;
        pipeline.configure(next);
      },
      status,
      clear: () => pipeline.clear(),
      events,
      ca,
      browserProxyUrl: (name) => proxy.current().browserProxyUrl(name),
      browser: () => ({ leafKeyPem: proxy.current().leafKeyPem, caCertPath: ca.certPath, profileDir: join(opts.dataDir, 'browser-profile'), extraArgs: opts.browserArgs }),
      markCaExported: async () => {
        await writeFile(caExportedMarker, new Date().toISOString(), { mode: 0o600 });
        caExported = true;
      },
    }),
  };
  // Events already due go out before a command's answer, so a renderer never
  // hears of a row first in a page and only later in an event (nor the reverse).
  for (const [name, handler] of Object.entries(handlers)) {
    (handlers as Record<string, unknown>)[name] = async (arg: never) => {
      const result = await (handler as (a: never) => unknown)(arg);
      events.flush();
      return result;
    };
  }
  storedExchange = async (id) => (await (handlers as CommandHandlers).getExchange({ id })) ?? null;
  const missing = Object.keys(commandArgSchemas).filter((name) => !(name in handlers));
  if (missing.length) throw new Error(`no addon answers ${missing.join(', ')}`);

  const service: CoreService = { handlers: handlers as CommandHandlers, subscribe: (listener) => events.subscribe(listener) };
  // While we hold sessions.db, `proxyscope query` and `export-har` ask through this.
  const control = await startControlEndpoint({ dataDir: opts.dataDir, service }).catch(async (err: unknown) => {
    await proxy.close();
    await pipeline.stop();
    throw err;
  });
  if ('collect' in sessions) {
    const store = sessions as SessionsAddon;
    const onCollected = (e: CollectedEvent) => collectedListeners.forEach((l) => l(e));
    const collectAndForward = storeThenForward((b, x) => store.collect(b, x), (x) => forward.forwardRecorded(x));
    collector = await collectorControl({ dataDir: opts.dataDir, host: opts.host, flag: opts.collector ?? null, store: collectAndForward, onCollected, onChange: () => events.statusChanged(), log }).catch(
      async (err: unknown) => {
        await control.close();
        await proxy.close();
        await pipeline.stop();
        throw new Error(`collector: ${(err as Error).message}`);
      },
    );
  }

  let stopping: Promise<void> | null = null;
  return {
    service,
    get proxyUrl() {
      return proxy.current().url;
    },
    caPath: ca.certPath,
    forwarding: () => forwardingEnabled(settings),
    onExchange: (l) => exchangeListeners.push(l),
    onDelivery: (l) => deliveryListeners.push(l),
    onAlert: (l) => alertListeners.push(l),
    onPaused: (l) => pausedListeners.push(l),
    collector: () => {
      const v = collector?.view();
      return v?.running ? { url: v.url!, token: v.token! } : null;
    },
    onCollected: (l) => collectedListeners.push(l),
    setPassthrough: (predicate) => {
      passthrough = predicate;
    },
    stop: () =>
      (stopping ??= (async () => {
        await collector?.close();
        await control.close();
        await proxy.close();
        // Exchanges cut short by the close are recorded and queued in the next turns.
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        await pipeline.stop();
        events.flush();
        unlock();
      })()),
  };
}
