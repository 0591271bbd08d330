// Imports into the session store: a HAR read into a new session in steps
// (harImporter.ts), all or nothing without a transaction that holds every row
// (which would hold the WAL, and live commits with it). Until it is whole the
// session is hidden from lists, queries and retention (SessionDb.importing)
// and marked in the file, so one cut short by a crash is removed when a writer
// next opens the file.
import type { SessionInfo } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import type { Db } from '../../sqliteDb.js';
import { createSession, insertExchange } from './schema.js';
import type { SessionDb } from './sessionDb.js';

/** The `store` table's key marking a session whose import is not finished. */
const key = (id: number) => `import:${id}`;

/** Sessions marked as being imported in the file. */
export function unfinishedImports(db: Db): number[] {
  return db.all("SELECT key FROM store WHERE key LIKE 'import:%'").map((r) => Number(String(r.key).slice('import:'.length)));
}

/** A new session for an import (its exchanges come with writeImport): not current, hidden and marked until finishImport. */
export function startImport(store: SessionDb, name: string, now = Date.now()): number {
  let id = 0;
  store.transaction(() => {
    id = createSession(store.db, name, now);
    store.db.run('INSERT INTO store (key, value) VALUES (?, ?)', [key(id), now]);
  });
  store.importing.add(id);
  return id;
}

/** One step of an import, in one transaction (the caller keeps steps within COMMIT_MAX_EXCHANGES). */
export function writeImport(store: SessionDb, id: number, exchanges: readonly Exchange[]): void {
  if (!store.importing.has(id)) throw new Error(`no import into session ${id}`);
  let bytes = 0;
  let added = 0;
  store.transaction(() => {
    for (const ex of exchanges) {
      const written = insertExchange(store.db, id, ex);
      if (!written) continue;
      bytes += written.bytes;
      added++;
    }
    store.db.run('UPDATE sessions SET exchanges = exchanges + ?, bytes = bytes + ? WHERE id = ?', [added, bytes, id]);
  });
}

/** The import is whole: its session is listed, queried and counted for retention (which may evict at once). */
export function finishImport(store: SessionDb, id: number): SessionInfo {
  if (!store.importing.has(id)) throw new Error(`no import into session ${id}`);
  const s = store.db.get('SELECT exchanges, bytes FROM sessions WHERE id = ?', [id]) as { exchanges: number; bytes: number };
  store.db.run('DELETE FROM store WHERE key = ?', [key(id)]);
  store.importing.delete(id);
  store.adopt(s);
  return store.sessions().find((x) => x.id === id)!;
}

/** Removes an import's session and whatever of it was written (refused, failed or abandoned). */
export function discardImport(store: SessionDb, id: number): void {
  if (!store.importing.has(id)) return;
  store.transaction(() => {
    store.deleteRows('session = ?', [id]);
    store.db.run('DELETE FROM sessions WHERE id = ?', [id]);
    store.db.run('DELETE FROM store WHERE key = ?', [key(id)]);
  });
  store.importing.delete(id);
}

/** Imports a stop or a crash cut short, removed by whoever writes the file next. */
export function discardUnfinishedImports(store: SessionDb): void {
  for (const id of [...store.importing]) discardImport(store, id);
}
