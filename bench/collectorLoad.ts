// `node dist/bench/collectorLoad.js [messages] [perPost] [posters]` (after `npm run bench` built it, or
// `npm run build:node`): one headless Proxyscope with --collector
// (--no-ui, --quiet, fresh data dir); `posters` concurrent clients POST batched lists of `perPost`
// Runscope messages (1 KiB response body each) until `messages` were answered; prints messages kept
// per second and the proxy's RSS, sampled throughout. Then bad input (truncated JSON, wrong types,
// huge headers, a 10,001-element list) and a check that everything kept before is still counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { memoryOf } from './procStats.js';
import { ROOT } from './processes.js';

const [messagesArg = '100000', perPostArg = '50', postersArg = '4'] = process.argv.slice(2);
const total = Number(messagesArg);
const perPost = Number(perPostArg);
const posters = Number(postersArg);
const TOKEN = 'bench-collector-token-0123456789';
const dataDir = mkdtempSync(join(os.tmpdir(), 'collector-load-'));
const cli = join(ROOT, 'dist', 'electron', 'headless', 'cli.js');
const child = spawn(process.execPath, [cli, '--headless', '--json', '--quiet', '--port', '0', '--no-ui', '--data-dir', dataDir, '--collector', '--collector-port', '0', '--collector-token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<{ collector: string }>((resolve, reject) => {
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (l) => {
    const e = JSON.parse(l) as { event: string; collector?: string };
    if (e.event === 'ready') resolve(e as { collector: string });
  });
  child.once('exit', (code) => reject(new Error(`proxyscope exited (${code})`)));
});

const body = 'x'.repeat(1024);
let next = 0;
const message = (i: number) => ({
  unique_identifier: `load-${i}`,
  request: { method: 'GET', url: `https://api.example.com/items/${i}`, headers: { Host: 'api.example.com', 'User-Agent': 'bench' }, timestamp: 1764633600 + i / 1000 },
  response: { status: i % 20 === 0 ? 500 : 200, reason: 'OK', headers: { 'Content-Type': 'text/plain' }, timestamp: 1764633600.01 + i / 1000, response_time: 0.01, size_bytes: 1024, body },
});
const post = (payload: string) =>
  fetch(`${ready.collector}/buckets/load/messages`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: payload });

const samples: number[] = [];
const sampler = setInterval(() => samples.push(memoryOf(child.pid ?? null)?.rss ?? NaN), 250);
let kept = 0;
const t0 = performance.now();
const deadline = Date.now() + 600_000;
await Promise.all(
  Array.from({ length: posters }, async () => {
    while (next < total && Date.now() < deadline) {
      const from = next;
      next = Math.min(total, next + perPost);
      const res = await post(JSON.stringify(Array.from({ length: next - from }, (_, k) => message(from + k))));
      if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      kept += ((await res.json()) as { meta: { success_count: number } }).meta.success_count;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);

const bad: Array<[string, string]> = [
  ['truncated JSON', '[{"request":{"method":"GET"'],
  ['wrong types', JSON.stringify([{ request: { method: 7, url: [], headers: 'x', timestamp: 'now' }, response: { status: 'ok' } }])],
  ['huge headers', JSON.stringify([{ ...message(-1), request: { ...message(-1).request, headers: { 'X-Big': 'y'.repeat(1_000_000) } } }])],
  ['10,001-element list', JSON.stringify(Array.from({ length: 10_001 }, () => ({})))],
];
const badAnswers = [];
for (const [name, payload] of bad) badAnswers.push(`${name}: HTTP ${(await post(payload)).status}`);
const after = await post(JSON.stringify([message(total + 1)]));

const fmt = (n: number) => n.toFixed(0);
process.stdout.write(
  `${kept} messages kept in ${seconds.toFixed(1)} s = ${fmt(kept / seconds)} /s (${perPost} per POST, ${posters} posters)\n` +
    `proxy RSS: first ${fmt(samples[0] ?? NaN)} MB, median ${fmt(samples.slice().sort((a, b) => a - b)[samples.length >> 1] ?? NaN)} MB, peak ${fmt(Math.max(...samples))} MB, last ${fmt(samples[samples.length - 1] ?? NaN)} MB\n` +
    `bad input: ${badAnswers.join('; ')}; a valid POST after it: HTTP ${after.status}\n`,
);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
