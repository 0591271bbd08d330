// The collector as the app runs it: its token (given, or generated on first
// use and kept in the data dir like the access token, 0600), and its messages
// stored through the session store.
import { randomBytes } from 'node:crypto';
import { fileSecretStore } from '../settings/secretStore.js';
import { startCollector, type CollectedEvent, type Collector, type CollectorOptions } from './collectorServer.js';

export interface CollectorSettings {
  port: number;
  /** null: the stored one, or a new one saved for next time. */
  token: string | null;
}

export const COLLECTOR_TOKEN_FILE = 'collector-token';

export async function collectorToken(dataDir: string, given: string | null): Promise<string> {
  if (given) return given;
  const secrets = fileSecretStore(dataDir, COLLECTOR_TOKEN_FILE);
  const stored = await secrets.load();
  if (stored) return stored;
  const token = randomBytes(24).toString('base64url');
  await secrets.save(token);
  return token;
}

export async function openCollector(
  dataDir: string,
  host: string,
  settings: CollectorSettings,
  store: CollectorOptions['store'],
  onCollected: (e: CollectedEvent) => void,
): Promise<Collector & { token: string }> {
  const token = await collectorToken(dataDir, settings.token);
  const collector = await startCollector({ host, port: settings.port, token, store, onCollected });
  return { ...collector, token };
}
