// Something several processes may create at once (a CA shared by data dirs):
// the first takes an exclusive lock file and creates it, the others wait for
// the lock to go and then read what it made. A lock whose process died is
// taken over.
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive } from './dataDirLock.js';

const POLL_MS = 25;
const WAIT_MS = 60_000;
const EMPTY_STALE_MS = 5_000;

/** Whether the lock's holder is gone: its pid is dead, or it died between creating the file and writing its pid. */
async function abandoned(lockPath: string): Promise<boolean> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    if (pid > 0) return !processAlive(pid);
    return Date.now() - (await stat(lockPath)).mtimeMs > EMPTY_STALE_MS;
  } catch {
    return false; // gone meanwhile: the next attempt takes it
  }
}

/** Runs `create` while holding `lockPath`; `create` should check again whether its work is still to do. */
export async function withCreationLock<T>(lockPath: string, create: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await abandoned(lockPath)) await rm(lockPath, { force: true });
    else if (Date.now() > deadline) throw new Error(`${lockPath} is held by another process for over ${WAIT_MS / 1000} s`);
    else await delay(POLL_MS);
  }
  try {
    return await create();
  } finally {
    await rm(lockPath, { force: true });
  }
}
