// The access token at rest in the desktop app: encrypted with Electron's
// safeStorage (Keychain, DPAPI, libsecret) where available, else a 0600 file.
import type { SafeStorage } from 'electron';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files/writeFileAtomic.js';
import { fileSecretStore, type SecretStore } from '../core/settings/secretStore.js';

export function safeStorageSecretStore(safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>, dataDir: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) return fileSecretStore(dataDir);
  const path = join(dataDir, 'access-token.enc');
  return {
    kind: `safeStorage (${path})`,
    async load() {
      try {
        return safeStorage.decryptString(await readFile(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fileSecretStore(dataDir).load();
        throw err;
      }
    },
    async save(token) {
      if (token === '') await rm(path, { force: true });
      else await writeFileAtomic(path, safeStorage.encryptString(token), 0o600);
      await fileSecretStore(dataDir).save(''); // never leave a plain copy behind
    },
  };
}
