// Where the Runscope access token lives at rest. The Electron shell supplies a
// safeStorage-backed store; headless uses a 0600 file in the data dir.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface SecretStore {
  /** Human-readable: where the secret is kept (never the secret). */
  readonly kind: string;
  load(): Promise<string>;
  save(token: string): Promise<void>;
}

/** Writes `data` to `path` atomically with the given mode (temp file + rename). */
export async function writeFileAtomic(path: string, data: string | Buffer, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

export function fileSecretStore(dataDir: string): SecretStore {
  const path = join(dataDir, 'access-token');
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
