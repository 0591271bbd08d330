// `node dist/bench/storeWriteCost.js SESSIONS_DB [count] [batch]`: where the session
// store's write time goes. Copies `count` stored exchanges (rows with their
// headers, body texts) of a sessions.db that a store run kept (BENCH_STORE_KEEP)
// into fresh databases with the store's schema and pragmas, in transactions of
// `batch`, once as stored and then with parts left out or added; prints the
// SQLite time per exchange of each. Only SQLite is timed: the worker's own
// JavaScript (rowOf, fromState) comes on top.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

type Row = Record<string, unknown>;
interface Database {
  exec(sql: string): void;
  run(sql: string, values?: unknown[]): unknown;
  all(sql: string, values?: unknown[]): Row[];
  close(): void;
}
type DatabaseClass = new (path: string) => Database;

const [source, countArg = '20000', batchArg = '500'] = process.argv.slice(2);
if (!source) throw new Error('usage: storeWriteCost.js SESSIONS_DB [count] [batch]');
const count = Number(countArg);
const batch = Number(batchArg);

// A CommonJS package: its exports arrive as the default export.
const { Database } = (await import('node-sqlite3-wasm')).default as unknown as { Database: DatabaseClass };
const schemaUrl = pathToFileURL(join(ROOT, 'dist', 'electron', 'core', 'addons', 'sessions', 'schema.js')).href;
const schema = (await import(schemaUrl)) as { SCHEMA: string; indexBodies: (db: Database, limit: number) => number };

const src = new Database(source);
src.exec('PRAGMA locking_mode=EXCLUSIVE;');
const rows = src.all('SELECT * FROM exchanges ORDER BY seq LIMIT ?', [count]);
const last = Number(rows[rows.length - 1]!.seq);
const texts = new Map(src.all('SELECT seq, req, res FROM body_text WHERE seq <= ?', [last]).map((b) => [Number(b.seq), b]));
src.close();

const COLUMNS = Object.keys(rows[0]!).filter((c) => c !== 'seq');
const INSERT = `INSERT INTO exchanges (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const SECONDARY = /CREATE INDEX IF NOT EXISTS exchanges_(method|host|status|duration|res_size|req_size)[^;]*;/g;
const NO_HEADERS = new Uint8Array(new Database(':memory:').all("SELECT jsonb('[]') AS h")[0]!.h as Uint8Array);

interface Variant {
  name: string;
  headers?: boolean;
  texts?: boolean;
  /** Also index the bodies for body search, as the worker does later, in the same transactions. */
  index?: boolean;
  schema?: (sql: string) => string;
  pragmas?: string;
}
const VARIANTS: Variant[] = [
  { name: 'as stored (row, headers, body text)' },
  { name: 'as stored, then indexed for body search', index: true },
  { name: 'without the headers value', headers: false },
  { name: 'without the body text', texts: false },
  { name: 'without the six secondary indexes', schema: (s) => s.replace(SECONDARY, '') },
  { name: 'as stored, cache_size 64 MB', pragmas: 'PRAGMA cache_size=-64000;' },
];

const dir = mkdtempSync(join(os.tmpdir(), 'store-write-cost-'));
try {
  for (const v of VARIANTS) {
    const path = join(dir, `${VARIANTS.indexOf(v)}.db`);
    const db = new Database(path);
    db.exec('PRAGMA locking_mode=EXCLUSIVE;');
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8000; ${v.pragmas ?? ''}`);
    db.exec(v.schema ? v.schema(schema.SCHEMA) : schema.SCHEMA);
    db.run("INSERT INTO sessions (id, name, started_at) VALUES (1, 'copy', 0)");
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += batch) {
      db.exec('BEGIN');
      for (const r of rows.slice(i, i + batch)) {
        const values = COLUMNS.map((c) => (c === 'headers' && v.headers === false ? NO_HEADERS : r[c]));
        const seq = Number((db.run(INSERT, values) as { lastInsertRowid: number | bigint }).lastInsertRowid);
        const t = texts.get(Number(r.seq));
        db.run('INSERT INTO body_text (seq, req, res) VALUES (?, ?, ?)', [seq, v.texts === false ? null : (t?.req ?? null), v.texts === false ? null : (t?.res ?? null)]);
      }
      if (v.index) schema.indexBodies(db, batch);
      db.exec('COMMIT');
    }
    const ms = performance.now() - t0;
    db.close();
    process.stdout.write(`${v.name.padEnd(42)} ${(ms / rows.length).toFixed(3)} ms per exchange (${((rows.length / ms) * 1000).toFixed(0)} /s)\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
