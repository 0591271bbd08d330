// The store phase: one Proxyscope (forwarding off, session store on, web UI on)
// captures and stores `plan.storeExchanges` exchanges of a varied mix
// (bench/wrk-mix.lua), its RSS sampled throughout; then the filters of
// storeQueries.ts through its UI WebSocket, and, once it has stopped, offline
// on the same sessions.db.
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { memoryOf, sleep, startProxyscope, type ProxyEnvironment } from './processes.js';
import { offlineQueries, STORE_FILTERS, wsQueries, type QueryTiming } from './storeQueries.js';
import { UiClient } from './uiClient.js';
import { settled, type Bench } from './workloads.js';
import { runWrk } from './wrk.js';

const CONNECTIONS = 50;

export interface StoreRun {
  target: number;
  connections: number;
  /** BENCH_STORE_RATE: the paced total rate asked for; 0 = closed loop at saturation. */
  paceRps: number;
  /** --max-stored-bytes passed (BENCH_STORE_MAX_BYTES), or null for Proxyscope's default. */
  maxStoredBytes: string | null;
  sent: number;
  wrkErrors: number;
  /** Seconds from the start until wrk ended, and until the last exchange was reported (committed). */
  loadS: number;
  committedS: number;
  stored: number;
  /** Bytes the store counts for retention (sessions.bytes), and on disk after the run, live and after stopping. */
  storedBytes: number;
  disk: { db: number; wal: number };
  diskAfterStop: { db: number; wal: number };
  evictionNote: string | null;
  storeNote: string | null;
  peakRss: number;
  /** RSS (MB) when the reported count first reached each quarter of the target. */
  rssAt: Array<{ count: number; rss: number; atS: number }>;
  rssSettled: number;
  /** Every 5 s: seconds, exchanges reported, RSS MB. */
  series: Array<[number, number, number]>;
  uiConnectMs: number;
  offlineOpenMs: number;
  queries: QueryTiming[];
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const diskOf = (dir: string) => ({ db: sizeOf(join(dir, 'sessions.db')), wal: sizeOf(join(dir, 'sessions.db-wal')) });

/** Env: BENCH_STORE_RATE (paced req/s), BENCH_STORE_MAX_BYTES (--max-stored-bytes), BENCH_STORE_MAX_S (wrk's and the wait's bound), BENCH_STORE_KEEP. */
export async function storeSession(b: Bench, env: ProxyEnvironment): Promise<void> {
  const target = b.plan.storeExchanges;
  const paceRps = Math.max(0, Number(process.env.BENCH_STORE_RATE) || 0);
  const maxStoredBytes = process.env.BENCH_STORE_MAX_BYTES ?? null;
  const maxS = Number(process.env.BENCH_STORE_MAX_S) || 1800;
  const p = await startProxyscope(env, { forwarding: 'off', ui: true, args: maxStoredBytes ? ['--max-stored-bytes', maxStoredBytes] : [] });
  const e = p.events!;
  let ui: UiClient | null = null;
  try {
    const c0 = performance.now();
    ui = await UiClient.connect(e.ready!.ui!);
    const uiConnectMs = performance.now() - c0;

    const quarters = [1, 2, 3, 4].map((k) => Math.round((k * target) / 4));
    const rssAt: StoreRun['rssAt'] = [];
    const series: StoreRun['series'] = [];
    let peakRss = 0;
    const t0 = performance.now();
    let lastSeries = -Infinity;
    const sampler = setInterval(() => {
      const m = memoryOf(p.pid);
      if (!m) return;
      const atS = (performance.now() - t0) / 1000;
      peakRss = Math.max(peakRss, m.rss, m.peak);
      while (rssAt.length < quarters.length && e.exchanges >= quarters[rssAt.length]!) rssAt.push({ count: quarters[rssAt.length]!, rss: m.rss, atS });
      if (atS - lastSeries >= 5) {
        lastSeries = atS;
        series.push([Math.round(atS), e.exchanges, Math.round(m.rss)]);
      }
    }, 250);
    // A paced run: each connection waits between requests so that the total comes near the rate asked for.
    const pauseMs = paceRps > 0 ? (1000 * CONNECTIONS) / paceRps : 0;
    b.log(`  store: ${target} exchanges of the mix at c=${CONNECTIONS}${paceRps ? `, paced near ${paceRps} req/s` : ', closed loop'}`);
    const progress = setInterval(() => b.log(`  store: ${e.exchanges} reported, RSS ${memoryOf(p.pid)?.rss.toFixed(0)} MB`), 30_000);
    let r;
    try {
      r = await runWrk({ proxy: p.proxy, upstreamPort: b.httpPort, path: '/', connections: CONNECTIONS, durationS: maxS, limit: target, mix: true, pauseMs });
      const loadS = (performance.now() - t0) / 1000;
      // Exchanges are reported once committed: the store may still be writing its backlog.
      if (!(await e.until(() => e.exchanges >= r!.requests, maxS * 1000))) b.results.note(`store: only ${e.exchanges} of ${r.requests} exchanges reported within ${maxS} s`);
      await settled(p);
      clearInterval(sampler);
      const committedS = (e.lastExchangeAt - t0) / 1000;
      const rssSettled = memoryOf(p.pid)?.rss ?? NaN;
      const status = await ui.invoke<{ evictionNote?: string | null; storeNote?: string | null }>('getStatus');
      const sessions = await ui.invoke<Array<{ exchanges: number; bytes: number; current: boolean }>>('listSessions');
      const current = sessions.find((s) => s.current);
      const disk = diskOf(p.dataDir!);
      b.log(`  store: ${e.exchanges} reported after ${committedS.toFixed(0)} s (wrk done after ${loadS.toFixed(0)} s), peak RSS ${peakRss.toFixed(0)} MB; sessions.db ${(disk.db / 1e6).toFixed(0)} MB + WAL ${(disk.wal / 1e6).toFixed(0)} MB`);

      // Under load body indexing takes a tenth of the worker's time; the queries run once it has caught up.
      const lag = (await ui.invoke<{ bodiesUnindexed: number }>('getStatus')).bodiesUnindexed;
      const lagT0 = performance.now();
      const deadline = lagT0 + maxS * 1000;
      while ((await ui.invoke<{ bodiesUnindexed: number }>('getStatus')).bodiesUnindexed > 0 && performance.now() < deadline) await sleep(250);
      const caughtUpS = (performance.now() - lagT0) / 1000;
      b.results.note(`store: body search's index was ${lag} bodies behind when the store had caught up; the index caught up ${caughtUpS.toFixed(1)} s later (queries below ran after)`);
      b.log(`  store: body index ${lag} behind, caught up after ${caughtUpS.toFixed(1)} s`);
      const live = await wsQueries(ui);
      ui.close();
      ui = null;
      await p.stop();
      const diskAfterStop = diskOf(p.dataDir!);
      const offline = await offlineQueries(join(p.dataDir!, 'sessions.db'));
      // BENCH_STORE_KEEP=/path/sessions.db: the database outlives the run's temporary folder, for a closer look.
      if (process.env.BENCH_STORE_KEEP) renameSync(join(p.dataDir!, 'sessions.db'), process.env.BENCH_STORE_KEEP);
      const queries: QueryTiming[] = STORE_FILTERS.map(({ filter, kind }) => {
        const w = live.get(filter);
        const o = offline.results.get(filter);
        return { filter, kind, matched: w?.matched ?? o?.matched ?? NaN, ws: w?.ws ?? null, offline: o?.offline ?? null, plans: o?.plans ?? null };
      });
      for (const q of queries) {
        b.log(`  query ${q.filter}: ${q.matched} matched; WS page ${q.ws?.pageDesc.first.toFixed(1)} ms (then ${q.ws?.pageDesc.median.toFixed(1)}), count ${q.ws?.count.median.toFixed(1)} ms; offline page ${q.offline?.pageDesc.median.toFixed(1)}, count ${q.offline?.count.median.toFixed(1)} ms`);
      }
      b.results.store = {
        target,
        connections: CONNECTIONS,
        paceRps,
        maxStoredBytes,
        sent: r.requests,
        wrkErrors: r.errors,
        loadS,
        committedS,
        stored: current?.exchanges ?? NaN,
        storedBytes: current?.bytes ?? NaN,
        disk,
        diskAfterStop,
        evictionNote: status.evictionNote ?? null,
        storeNote: status.storeNote ?? null,
        peakRss,
        rssAt,
        rssSettled,
        series,
        uiConnectMs,
        offlineOpenMs: offline.openMs,
        queries,
      };
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
    }
  } finally {
    ui?.close();
    await p.stop();
    await sleep(100);
  }
}
