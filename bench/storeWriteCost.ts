// `node dist/bench/storeWriteCost.js SESSIONS_DB [count] [batch]`: where the session
// store's write time goes. Copies `count` stored exchanges (rows, header rows,
// body texts) of a sessions.db that a store run kept (BENCH_STORE_KEEP) into
// fresh databases with the store's schema and pragmas, in transactions of
// `batch`, once with every table and then with parts left out; prints the
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
const schema = (await import(pathToFileURL(join(ROOT, 'dist', 'electron', 'core', 'addons', 'sessions', 'schema.js')).href)) as { SCHEMA: string };

const src = new Database(source);
src.exec('PRAGMA locking_mode=EXCLUSIVE;');
const rows = src.all('SELECT * FROM exchanges ORDER BY seq LIMIT ?', [count]);
const last = Number(rows[rows.length - 1]!.seq);
const headers = new Map<number, Row[]>();
for (const h of src.all('SELECT * FROM headers WHERE exchange <= ?', [last])) {
  const list = headers.get(Number(h.exchange)) ?? [];
  list.push(h);
  headers.set(Number(h.exchange), list);
}
const bodies = new Map(src.all('SELECT rowid, req, res FROM bodies WHERE rowid <= ?', [last]).map((b) => [Number(b.rowid), b]));
src.close();

const COLUMNS = Object.keys(rows[0]!).filter((c) => c !== 'seq');
const INSERT = `INSERT INTO exchanges (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const SECONDARY = /CREATE INDEX IF NOT EXISTS exchanges_(method|host|status|duration|res_size|req_size)[^;]*;/g;

interface Variant {
  name: string;
  fts: boolean;
  headers: boolean;
  schema?: (sql: string) => string;
  pragmas?: string;
}
const VARIANTS: Variant[] = [
  { name: 'as stored (every table and index)', fts: true, headers: true },
  { name: 'no body FTS rows', fts: false, headers: true },
  { name: 'no header rows', fts: true, headers: false },
  { name: 'neither FTS nor header rows', fts: false, headers: false },
  { name: 'no secondary exchange indexes', fts: true, headers: true, schema: (s) => s.replace(SECONDARY, '') },
  { name: 'as stored, cache_size 64 MB', fts: true, headers: true, pragmas: 'PRAGMA cache_size=-64000;' },
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
        const oldSeq = Number(r.seq);
        const seq = Number((db.run(INSERT, COLUMNS.map((c) => r[c])) as { lastInsertRowid: number | bigint }).lastInsertRowid);
        if (v.headers) for (const h of headers.get(oldSeq) ?? []) db.run('INSERT INTO headers (name, exchange, side, pos, value) VALUES (?, ?, ?, ?, ?)', [h.name, seq, h.side, h.pos, h.value]);
        const b = bodies.get(oldSeq);
        if (v.fts && b) db.run('INSERT INTO bodies (rowid, req, res) VALUES (?, ?, ?)', [seq, b.req, b.res]);
      }
      db.exec('COMMIT');
    }
    const ms = performance.now() - t0;
    db.close();
    process.stdout.write(`${v.name.padEnd(40)} ${(ms / rows.length).toFixed(3)} ms per exchange (${((rows.length / ms) * 1000).toFixed(0)} /s)\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
