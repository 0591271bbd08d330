// One Proxyscope per data dir. A lock left by a killed process (kill -9) is
// taken over, along with SQLite's own lock directory, which it would otherwise
// keep busy forever.
import { readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the live process holding the data dir, or null when none does. */
export function dataDirOwner(dataDir: string): number | null {
  let owner: number;
  try {
    owner = Number.parseInt(readFileSync(join(dataDir, 'proxyscope.pid'), 'utf8'), 10);
  } catch {
    return null;
  }
  return owner > 0 && processAlive(owner) ? owner : null;
}

export function lockDataDir(dataDir: string, staleLockDirs: string[]): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const pidFile = join(dataDir, 'proxyscope.pid');
  const owner = dataDirOwner(dataDir);
  if (owner && owner !== process.pid) {
    throw new Error(`--data-dir ${dataDir} is in use by another Proxyscope (pid ${owner})`);
  }
  for (const dir of staleLockDirs) rmSync(dir, { recursive: true, force: true });
  writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
  return () => rmSync(pidFile, { force: true });
}
