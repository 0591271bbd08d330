// Fault scenarios shared by `npm test` (small N) and `npm run test:soak` (10k).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../electron/core/app.js';
import { startCollector } from './collector.js';
import { startHeadless, type CliEvent } from './headlessProcess.js';
import { runLoad, type LoadResult } from './load.js';
import type { Upstream } from './upstream.js';

const TOKEN = 'scenario-token-4242';
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/**
 * kill -9 the headless child at random points while `total` exchanges flow with
 * the collector down, restart it each time, then bring the collector up.
 */
export async function killNineScenario(upstream: Upstream, total: number, kills: number) {
  const sink = await startCollector({ token: TOKEN, bucket: 'soak' });
  await sink.stop();
  const dataDir = tmp('kill9-');
  const flags = ['--port', '0', '--no-ui', '--data-dir', dataDir, '--bucket', 'soak', '--access-token', TOKEN, '--api-endpoint', sink.url, '--timeout', '1000'];
  const reported = new Set<string>();
  const perRound = Math.ceil(total / (kills + 1));
  let sent = 0;
  for (let round = 0; round <= kills; round++) {
    const child = await startHeadless(flags);
    if (process.env.DBG) console.log('round', round, 'ready');
    const count = Math.min(perRound, total - sent);
    const killAfter = round < kills ? Math.floor(count * (0.3 + Math.random() * 0.6)) : Infinity;
    const load = runLoad(String(child.ready.proxy), (i) => `${upstream.httpUrl}/json?r=${round}&i=${i}`, { count, concurrency: 8, deadlineMs: 120_000 });
    if (killAfter !== Infinity) {
      await child.waitForCount((e) => e.event === 'exchange', killAfter, 120_000);
      child.child.kill('SIGKILL');
      await load;
    } else {
      await load;
      await child.waitForCount((e) => e.event === 'exchange', count, 60_000);
    }
    for (const e of child.events) if (e.event === 'exchange') reported.add(String(e.id));
    sent += count;
    if (process.env.DBG) console.log('round', round, 'reported', reported.size, child.stderr.slice(-3));
    if (round < kills) await new Promise((r) => (child.child.exitCode !== null || child.child.signalCode !== null ? r(null) : child.child.once('exit', r)));
    else {
      await sink.start();
      // Wait for every reported id, not a count: messages committed but never
      // reported (killed before the line was printed) count towards a total too.
      const deadline = Date.now() + 300_000;
      const arrived = () => {
        const ids = new Set(sink.received.map((m) => m.unique_identifier));
        return [...reported].every((id) => ids.has(id));
      };
      while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await child.waitForCount((e: CliEvent) => e.event === 'delivery' && e.state === 'sent', 1, 10_000);
      await child.exit();
    }
  }
  const received = sink.received.map((m) => m.unique_identifier);
  await sink.close();
  const missing = [...reported].filter((id) => !received.includes(id));
  const unique = new Set(received).size;
  // Delivered but never reported is allowed: committed, killed before the line was printed.
  return { reported: reported.size, received: received.length, unique, duplicates: received.length - unique, missing: missing.length };
}

/**
 * Forwarding on while the collector refuses, fails (500), stalls past the
 * timeout, rejects the token (401), rejects one message (400) and answers
 * non-JSON, then recovers. Returns the user-traffic rate against forwarding off.
 */
export async function collectorFaultsScenario(upstream: Upstream, total: number) {
  const sink = await startCollector({ token: TOKEN, bucket: 'soak' });
  const target = (tag: string) => (i: number) => `${upstream.httpUrl}/json?${tag}=${i}`;
  // Forwarding off, measured before and after the run with forwarding on, so drift on a noisy machine evens out.
  const baselineRun = async (tag: string) => {
    const baselineApp = await startApp({ dataDir: tmp('faults-off-'), port: 0, host: '127.0.0.1' });
    try {
      return await runLoad(baselineApp.proxyUrl, target(tag), { count: total, concurrency: 10, deadlineMs: 300_000 });
    } finally {
      await baselineApp.stop();
    }
  };
  const before = await baselineRun('off1');
  const app = await startApp({
    dataDir: tmp('faults-on-'),
    port: 0,
    host: '127.0.0.1',
    overrides: { bucket: 'soak', access_token: TOKEN, api_endpoint: sink.url, timeout: 300 },
  });
  const ids: string[] = [];
  app.onExchange((s) => ids.push(s.id));
  const modes = ['stopped', 'fail', 'stall', 'reject-auth', 'not-json', 'ok'] as const;
  let phase = 0;
  let listening = true;
  let flipping = Promise.resolve();
  const flip = setInterval(() => {
    flipping = flipping.then(async () => {
      const mode = modes[phase++ % modes.length]!;
      if (mode === 'stopped') {
        if (listening) await sink.stop();
        listening = false;
      } else {
        if (!listening) await sink.start();
        listening = true;
        sink.setMode(mode);
      }
    });
  }, 150);
  let loaded: LoadResult;
  try {
    loaded = await runLoad(app.proxyUrl, target('on'), { count: total, concurrency: 10, deadlineMs: 300_000 });
  } finally {
    clearInterval(flip);
  }
  await flipping;
  const after = await baselineRun('off2');
  if (!listening) await sink.start();
  sink.setMode('ok');
  if (ids.length > 0) sink.rejectIds.add(ids[Math.floor(ids.length / 2)]!);
  await app.service.handlers.saveSettings({ timeout: 2000 }); // a settings change lifts a 401 pause
  const deadline = Date.now() + 300_000;
  const settled = async () => {
    const counts = await Promise.all(ids.map((id) => app.service.handlers.getDelivery({ exchangeId: id })));
    return counts.filter((d) => d && (d.state === 'sent' || d.state === 'failed'));
  };
  let done = await settled();
  while (done.length < ids.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    done = await settled();
  }
  const failed = done.filter((d) => d!.state === 'failed');
  await app.stop();
  await sink.close();
  return {
    baselineRps: (before.rps + after.rps) / 2,
    baselines: [Math.round(before.rps), Math.round(after.rps)],
    forwardingRps: loaded.rps,
    trafficFailures: loaded.failed + before.failed + after.failed,
    exchanges: ids.length,
    settled: done.length,
    failed: failed.length,
    failedWithReason: failed.filter((d) => d!.lastError).length,
  };
}
