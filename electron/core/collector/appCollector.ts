// The collector as the app runs it: started at launch (--collector, or saved
// on in Settings) or from the Settings toggle, stopped the same way; its
// token given, or generated on first use and kept in the data dir like the
// access token (0600); its messages stored through the session store.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectorView } from '../api.js';
import type { Exchange } from '../flow/exchange.js';
import { writeFileAtomic } from '../files/writeFileAtomic.js';
import { fileSecretStore } from '../settings/secretStore.js';
import { startCollector, type CollectedEvent, type Collector, type CollectorOptions } from './collectorServer.js';

export interface CollectorSettings {
  port: number;
  /** null: the stored one, or a new one saved for next time. */
  token: string | null;
}

export const COLLECTOR_TOKEN_FILE = 'collector-token';
export const COLLECTOR_SETTINGS_FILE = 'collector.json';
export const COLLECTOR_DEFAULT_PORT = 8082;

export async function collectorToken(dataDir: string, given: string | null): Promise<string> {
  if (given) return given;
  const secrets = fileSecretStore(dataDir, COLLECTOR_TOKEN_FILE);
  const stored = await secrets.load();
  if (stored) return stored;
  const token = randomBytes(24).toString('base64url');
  await secrets.save(token);
  return token;
}

interface Saved {
  enabled: boolean;
  port: number;
}

async function loadSaved(dataDir: string): Promise<Saved> {
  try {
    const s = JSON.parse(await readFile(join(dataDir, COLLECTOR_SETTINGS_FILE), 'utf8')) as Partial<Saved>;
    return { enabled: s.enabled === true, port: Number.isInteger(s.port) && s.port! >= 0 && s.port! <= 65535 ? s.port! : COLLECTOR_DEFAULT_PORT };
  } catch {
    return { enabled: false, port: COLLECTOR_DEFAULT_PORT };
  }
}

/**
 * What the collector keeps goes on like captured traffic when forwarding is on: stored first, then forwarded,
 * only the ones not stored before, so a message that comes back (two instances forwarding to each other) stops.
 */
export function storeThenForward(
  collect: (bucket: string, exchanges: Exchange[]) => Promise<{ added: string[] }>,
  forward: (exchanges: Exchange[]) => void,
): CollectorOptions['store'] {
  return async (bucket, exchanges) => {
    const { added } = await collect(bucket, exchanges);
    const fresh = new Set(added);
    forward(exchanges.filter((x) => fresh.has(x.id)));
  };
}

export interface CollectorControl {
  view(): CollectorView;
  /** Starts or stops it, and saves the choice for the next start; a port in use is an error, the previous state kept. */
  set(enabled: boolean, port?: number): Promise<{ ok: true; view: CollectorView } | { ok: false; error: string }>;
  close(): Promise<void>;
}

export async function collectorControl(opts: {
  dataDir: string;
  host: string;
  /** --collector for this run (started whatever was saved; not saved). */
  flag: CollectorSettings | null;
  store: CollectorOptions['store'];
  onCollected: (e: CollectedEvent) => void;
  onChange: () => void;
  log: (line: string) => void;
}): Promise<CollectorControl> {
  const saved = await loadSaved(opts.dataDir);
  let running: (Collector & { token: string }) | null = null;
  let port = opts.flag?.port ?? saved.port;

  const start = async (p: number) => {
    const token = await collectorToken(opts.dataDir, opts.flag?.token ?? null);
    const c = await startCollector({ host: opts.host, port: p, token, store: opts.store, onCollected: opts.onCollected });
    running = { ...c, token };
  };
  if (opts.flag) await start(port);
  else if (saved.enabled) {
    // Saved on: a port taken since must not stop the proxy from starting.
    await start(port).catch((err: Error) => opts.log(`collector not started: port ${port}: ${err.message} (turn it on again in Settings)`));
  }

  const view = (): CollectorView => (running ? { running: true, url: running.url, token: running.token, port } : { running: false, url: null, token: null, port });
  return {
    view,
    async set(enabled, nextPort = port) {
      if (enabled && running && nextPort === port) return { ok: true, view: view() };
      const previous = running;
      try {
        if (previous) {
          await previous.close();
          running = null;
        }
        if (enabled) await start(nextPort);
      } catch (err) {
        // A port in use: the collector as it was.
        if (previous) await start(port).catch(() => undefined);
        return { ok: false, error: `collector: port ${nextPort}: ${(err as Error).message}` };
      }
      port = nextPort;
      await writeFileAtomic(join(opts.dataDir, COLLECTOR_SETTINGS_FILE), JSON.stringify({ enabled, port }), 0o600);
      opts.onChange();
      return { ok: true, view: view() };
    },
    close: async () => {
      await running?.close();
      running = null;
    },
  };
}
