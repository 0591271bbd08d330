// Where the Runscope access token (and the collector's token) live at rest. The
// Electron shell supplies a safeStorage-backed store for the access token;
// headless uses a 0600 file in the data dir.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/writeFileAtomic.js';

export interface SecretStore {
  /** Human-readable: where the secret is kept (never the secret). */
  readonly kind: string;
  load(): Promise<string>;
  save(token: string): Promise<void>;
}

export function fileSecretStore(dataDir: string, name = 'access-token'): SecretStore {
  const path = join(dataDir, name);
  return {
    kind: `file ${path} (mode 0600)`,
    async load() {
      try {
        return (await readFile(path, 'utf8')).trim();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw err;
      }
    },
    async save(token) {
      if (token === '') await rm(path, { force: true });
      else await writeFileAtomic(path, token, 0o600);
    },
  };
}
