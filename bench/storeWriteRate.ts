// `node dist/bench/storeWriteRate.js [count] [batch]`: the session store's own
// write rate, apart from the proxy: `count` exchanges with ~1 KiB JSON
// response bodies written through SessionDb in batches of `batch` (as the
// session worker does), then their bodies indexed as the worker does while
// idle. Prints µs per exchange for each, and disk per exchange.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

const [countArg = '20000', batchArg = '500'] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg);
const core = (p: string) => import(pathToFileURL(join(ROOT, 'dist', 'electron', 'core', p)).href);
const { SessionDb } = await core('addons/sessions/sessionDb.js');
const { CapturedBody } = await core('flow/body.js');
const { packPairs } = await core('flow/headers.js');

const WORDS = 'alpha beta gamma delta warehouse order item price stock shipping customer account'.split(' ');
function body(bytes: number): InstanceType<typeof CapturedBody> {
  let text = '';
  while (text.length < bytes) text += `${WORDS[Math.floor(Math.random() * WORDS.length)]}${Math.floor(Math.random() * 1e6)} `;
  const b = new CapturedBody(1 << 20);
  b.push(Buffer.from(JSON.stringify({ text: text.slice(0, bytes) })));
  return b;
}
function exchange(i: number) {
  const t = Date.now() + i;
  return {
    id: `ex-${i}`,
    kind: 'http',
    origin: 'proxy',
    request: { method: 'GET', url: `http://api.localhost/v1/items/${i}?q=${i % 50}`, host: 'api.localhost', httpVersion: '1.1', headers: packPairs([['Host', 'api.localhost'], ['User-Agent', 'wrk'], ['Accept', '*/*']]), body: new CapturedBody(0) },
    response: { status: 200, reason: 'OK', headers: packPairs([['Content-Type', 'application/json'], ['Content-Length', '1024'], ['Connection', 'keep-alive']]), body: body(1000) },
    error: null,
    timings: { startedAt: t, responseStartedAt: t + 1, endedAt: t + 2 },
    meta: {},
  };
}

const dir = mkdtempSync(join(os.tmpdir(), 'store-write-'));
const path = join(dir, 'sessions.db');
const db = new SessionDb(path, { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
const all = Array.from({ length: count }, (_, i) => exchange(i));
let t = performance.now();
for (let i = 0; i < count; i += batch) db.write(all.slice(i, i + batch));
const writeUs = ((performance.now() - t) / count) * 1000;
t = performance.now();
while (db.indexBodies(200) > 0);
const indexUs = ((performance.now() - t) / count) * 1000;
db.close();
const bytes = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
console.log(`${count} exchanges, batches of ${batch}: write ${writeUs.toFixed(0)} µs each, body index ${indexUs.toFixed(0)} µs each, ${(bytes / count / 1024).toFixed(1)} KiB on disk each`);
rmSync(dir, { recursive: true, force: true });
