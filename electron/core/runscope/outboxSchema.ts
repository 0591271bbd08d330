// The outbox's table, and the check that a file holds this build's version of
// it. A file of another version is not converted (the app has no released
// outbox to carry forward): opening it fails, and the delivery worker runs the
// outbox in memory as for any file it cannot open, leaving the file as it is.
import type { Db } from '../sqliteDb.js';

/** Bump on any change to the table; PRAGMA user_version holds it. A file from before versioning reads 0. */
export const OUTBOX_SCHEMA_VERSION = 1;

// Bodies are stored as BLOBs of UTF-8: a Buffer is copied into SQLite's WASM
// heap in one go, a string character by character.
// bucket: the message's own bucket (a rule's, a replay's); NULL follows the
// settings' bucket at each attempt, so changing it re-targets those messages.
// posted_to: the bucket the last attempt was POSTed to.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exchange_id TEXT NOT NULL UNIQUE,
  body BLOB NOT NULL,
  bytes INTEGER NOT NULL,
  bucket TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  http_status INTEGER,
  runscope_uuid TEXT,
  posted_to TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- due(): waiting messages in id order, with their next attempt.
CREATE INDEX IF NOT EXISTS messages_waiting ON messages(id, next_attempt_at) WHERE state IN ('queued','retrying');
-- list(limit, state), trimming the oldest of a state, countByState().
CREATE INDEX IF NOT EXISTS messages_state ON messages(state, id);
PRAGMA user_version = ${OUTBOX_SCHEMA_VERSION};
`;

/** An outbox file of another schema than this build's. */
export class OutboxSchemaError extends Error {
  constructor(readonly version: number) {
    super(`it has outbox schema ${version}, this version of Proxyscope writes ${OUTBOX_SCHEMA_VERSION}`);
  }
}

/** Throws OutboxSchemaError for a file of another version; reads only, so such a file is left as it is. */
export function checkSchema(db: Db): void {
  const version = Number(db.get('PRAGMA user_version')?.user_version ?? 0);
  // Version 0 is a new, empty file, or one written before the version was kept.
  const older = version === 0 && db.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'") !== null;
  if (older || (version !== 0 && version !== OUTBOX_SCHEMA_VERSION)) throw new OutboxSchemaError(version);
}

/** Creates the table in a new file (a file checkSchema passed). */
export function createSchema(db: Db): void {
  db.exec(SCHEMA);
}
