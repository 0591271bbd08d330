// Opening the session store with recovery: a file SQLite calls corrupt, or one
// of another schema version (no conversion code), is moved aside and a fresh
// one started, so capture never stops on a bad file.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { OtherSchemaError } from './schema.js';
import { SessionDb, type Retention, type SessionDbOptions } from './sessionDb.js';

const CORRUPT = /malformed|not a database|corrupt|file is encrypted/i;

export const isCorruption = (err: unknown): boolean => CORRUPT.test(String((err as Error)?.message ?? err));

/**
 * Opens the store; a file SQLite says is corrupt, or one of another schema, is
 * moved aside (with its WAL) to `sessions.db.corrupt-<time>` or
 * `sessions.db.schema<N>-<time>` and a fresh one started: `movedAside` names it.
 */
export function openSessionDb(path: string, retention: Retention, opts: SessionDbOptions = {}): { db: SessionDb; movedAside: string | null; reason?: string } {
  try {
    return { db: new SessionDb(path, retention, opts), movedAside: null };
  } catch (err) {
    const other = err instanceof OtherSchemaError;
    if (!other && !isCorruption(err)) throw err;
    const at = new Date(opts.now ?? Date.now()).toISOString().replace(/[:.]/g, '-');
    const aside = `${path}.${other ? `schema${err.version}` : 'corrupt'}-${at}`;
    renameSync(path, aside);
    if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${aside}-wal`);
    rmSync(`${path}.lock`, { recursive: true, force: true });
    return { db: new SessionDb(path, retention, opts), movedAside: aside, reason: other ? 'was written by another version of Proxyscope' : 'was corrupt' };
  }
}
