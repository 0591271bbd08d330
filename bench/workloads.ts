// The workloads, each run against one started configuration. Values land in
// `Results` under a metric key, one value per repetition.
// Long because each workload and its bookkeeping sit side by side.
import type { ClosedResult, NewHostsResult, RateResult, Route, StreamResult } from './loadClient.js';
import { cpuSecondsOf, memoryOf, sleep, threadTimesBetween, threadTimesOf, type CollectorHandle, type ConfigId, type LoadClient, type RunningProxy } from './processes.js';
import { KNOWN_HOST, median, newHostName } from './shared.js';
import type { StoreRun } from './storePhase.js';
import { runWrk, type WrkResult } from './wrk.js';

export class Results {
  private readonly data = new Map<string, Map<ConfigId, number[]>>();
  readonly notes: string[] = [];
  /** The store phase's run (storePhase.ts), when it ran. */
  store: StoreRun | null = null;

  add(key: string, config: ConfigId, value: number): void {
    if (!Number.isFinite(value)) return;
    let byConfig = this.data.get(key);
    if (!byConfig) this.data.set(key, (byConfig = new Map()));
    let values = byConfig.get(config);
    if (!values) byConfig.set(config, (values = []));
    values.push(value);
  }

  values(key: string, config: ConfigId): number[] {
    return this.data.get(key)?.get(config) ?? [];
  }

  median(key: string, config: ConfigId): number {
    return median(this.values(key, config));
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  toJSON(): Record<string, Record<string, number[]>> {
    const out: Record<string, Record<string, number[]>> = {};
    for (const [key, byConfig] of this.data) out[key] = Object.fromEntries(byConfig);
    return out;
  }
}

export interface Plan {
  reps: number;
  /** Seconds per measured load run. */
  durationS: number;
  connections: number[];
  /** Fixed-rate latency run: total requests per second over `rateConnections`. */
  rate: number;
  rateConnections: number;
  httpsConnections: number;
  newHosts: number;
  streamBytes: number;
  exchanges: number;
  /** The store phase: exchanges captured and stored (BENCH_STORE_EXCHANGES). */
  storeExchanges: number;
  idleS: number;
  useWrk: boolean;
  /** Paired forwarding-cost runs: pairs per concurrency, seconds per run. */
  pairs: number;
  pairS: number;
}

export interface Bench {
  plan: Plan;
  results: Results;
  httpPort: number;
  httpsPort: number;
  client: LoadClient;
  background: LoadClient;
  collector: CollectorHandle;
  log(line: string): void;
}

let hostCounter = 0;
/** A hostname no proxy has seen in this run. */
const nextNewHost = () => newHostName(++hostCounter);

const httpRoute = (b: Bench, p: RunningProxy, path: string): Route => ({ proxy: p.proxy, host: '127.0.0.1', port: b.httpPort, path });

/** Keep-alive HTTP load, closed loop: wrk, or the Node client where wrk is missing. */
async function httpLoad(b: Bench, p: RunningProxy, path: string, connections: number, durationS: number, limit = 0, stopWhen?: () => boolean): Promise<WrkResult> {
  if (b.plan.useWrk) return runWrk({ proxy: p.proxy, upstreamPort: b.httpPort, path, connections, durationS, limit, stopWhen });
  const r = await b.client.run<ClosedResult>(
    { kind: 'closed', scheme: 'http', route: httpRoute(b, p, path), connections, warmupMs: 0, durationMs: durationS * 1000 },
    durationS * 1000 + 60_000,
  );
  return { requests: r.requests, seconds: durationS, rps: r.rps, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors, bytes: NaN };
}

/**
 * Between runs: with forwarding on, until every recorded exchange has a final
 * delivery state; then, for every proxy, until it is quiet (settled). False when
 * the outbox did not drain in time.
 */
async function drained(p: RunningProxy, timeoutMs: number): Promise<boolean> {
  const e = p.events;
  if (e?.ready?.forwarding) {
    // Exchanges still finishing (connections cut at the end of a run) land first.
    await sleep(200);
    if (!(await e.until(() => e.sent + e.failed >= e.exchanges, timeoutMs))) return false;
  }
  await settled(p);
  return true;
}

/**
 * Until the proxy's CPU use falls under 5 % over a 200 ms window (at most 10 s):
 * what a run leaves behind (the outbox folding its recent tier into SQLite once
 * writes stop, a major GC, a store trimming) must not spill into the next
 * measured run, of this proxy or of another. Every proxy gets the same wait, so
 * neither side of a pair starts while the other is still busy.
 */
export async function settled(p: RunningProxy): Promise<void> {
  if (p.pid === null) return;
  const windowMs = 200;
  const deadline = performance.now() + 10_000;
  let before = cpuSecondsOf(p.pid);
  while (performance.now() < deadline) {
    await sleep(windowMs);
    const now = cpuSecondsOf(p.pid);
    if (now - before < 0.05 * (windowMs / 1000)) return;
    before = now;
  }
}

const backlogOf = (p: RunningProxy) => (p.events?.ready?.forwarding ? p.events.exchanges - p.events.sent - p.events.failed : NaN);

/** One proxy process: keep-alive HTTP at each concurrency, 100 KiB bodies, fixed-rate latency, HTTPS steady state, new hosts. */
export async function steadySession(b: Bench, id: ConfigId, p: RunningProxy): Promise<void> {
  const { plan, results: R } = b;
  const cpu0 = cpuSecondsOf(p.pid);
  await httpLoad(b, p, '/json', 10, 1); // warm-up: connections, JIT
  await drained(p, 60_000);
  for (const c of plan.connections) {
    const r = await httpLoad(b, p, '/json', c, plan.durationS);
    const backlog = backlogOf(p);
    R.add(`http.c${c}.rps`, id, r.rps);
    R.add(`http.c${c}.p50`, id, r.p50);
    R.add(`http.c${c}.p99`, id, r.p99);
    R.add(`http.c${c}.errors`, id, r.errors);
    R.add(`http.c${c}.backlog`, id, backlog);
    const t0 = performance.now();
    if (!(await drained(p, 120_000))) b.log(`  ${id}: outbox did not drain within 120 s after c=${c}`);
    R.add(`http.c${c}.drainS`, id, (performance.now() - t0) / 1000);
    b.log(`  ${id} HTTP 1 KiB c=${c}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors}${Number.isNaN(backlog) ? '' : `, outbox backlog at end ${backlog}`}`);
  }

  // The issue's probe setting (20 connections, a Node client): a slower generator
  // makes the same proxy look closer to direct, so both are reported.
  const node20 = await b.client.run<ClosedResult>(
    { kind: 'closed', scheme: 'http', route: httpRoute(b, p, '/json'), connections: 20, warmupMs: 500, durationMs: plan.durationS * 1000 },
    plan.durationS * 1000 + 60_000,
  );
  R.add('node20.rps', id, node20.rps);
  R.add('node20.p50', id, node20.latency.p50);
  R.add('node20.p99', id, node20.latency.p99);
  await drained(p, 120_000);
  b.log(`  ${id} HTTP 1 KiB c=20, Node client: ${node20.rps.toFixed(0)} req/s, p99 ${node20.latency.p99.toFixed(2)} ms, errors ${node20.errors}`);

  const big = await httpLoad(b, p, '/100k', 10, plan.durationS);
  R.add('http100k.rps', id, big.rps);
  R.add('http100k.p99', id, big.p99);
  await drained(p, 120_000);
  b.log(`  ${id} HTTP 100 KiB c=10: ${big.rps.toFixed(0)} req/s (${((big.rps * 102_400) / 1e6).toFixed(0)} MB/s)`);

  const rate = await b.client.run<RateResult>(
    { kind: 'rate', route: httpRoute(b, p, '/json'), connections: plan.rateConnections, rate: plan.rate, durationMs: plan.durationS * 1000 },
    plan.durationS * 1000 + 60_000,
  );
  R.add('rate.p50', id, rate.latency.p50);
  R.add('rate.p99', id, rate.latency.p99);
  R.add('rate.errors', id, rate.errors);
  await drained(p, 60_000);
  b.log(`  ${id} fixed ${plan.rate} req/s over ${plan.rateConnections}: p50 ${rate.latency.p50.toFixed(2)} ms, p99 ${rate.latency.p99.toFixed(2)} ms, errors ${rate.errors}`);

  const httpsRoute: Route = { proxy: p.proxy, host: KNOWN_HOST, port: b.httpsPort, path: '/json', ca: p.ca };
  const tls = await b.client.run<ClosedResult>(
    { kind: 'closed', scheme: 'https', route: httpsRoute, connections: plan.httpsConnections, warmupMs: 500, durationMs: plan.durationS * 1000 },
    plan.durationS * 1000 + 60_000,
  );
  R.add('https.rps', id, tls.rps);
  R.add('https.p50', id, tls.latency.p50);
  R.add('https.p99', id, tls.latency.p99);
  R.add('https.errors', id, tls.errors);
  await drained(p, 60_000);
  b.log(`  ${id} HTTPS steady c=${plan.httpsConnections}: ${tls.rps.toFixed(0)} req/s, p99 ${tls.latency.p99.toFixed(2)} ms, errors ${tls.errors}${tls.firstError ? ` (${tls.firstError})` : ''}`);

  // New hosts, while another connection keeps a steady 200 req/s going; first the
  // same sequence of fresh connections to the known host only (the control): a
  // background stall that happens there too is not the new hosts' doing.
  const withBackground = async (names: string[]) => {
    const bgTask = b.background.run<RateResult>(
      { kind: 'rate', route: httpRoute(b, p, '/json'), connections: 2, rate: 200, durationMs: 120_000 },
      180_000,
    );
    await sleep(300);
    const hosts = await b.client.run<NewHostsResult>({ kind: 'new-hosts', route: httpsRoute, names, knownName: KNOWN_HOST, timeoutMs: 30_000 }, 180_000);
    await sleep(100);
    b.background.stop();
    return { hosts, bg: await bgTask };
  };
  const control = await withBackground(Array.from({ length: plan.newHosts }, () => KNOWN_HOST));
  R.add('hosts.controlBgP99', id, control.bg.latency.p99);
  R.add('hosts.controlBgMax', id, control.bg.latency.max);
  const names = Array.from({ length: plan.newHosts }, nextNewHost);
  const { hosts, bg } = await withBackground(names);
  const newMs = median(hosts.newHostMs);
  const knownMs = median(hosts.knownHostMs);
  R.add('hosts.new', id, newMs);
  R.add('hosts.known', id, knownMs);
  R.add('hosts.cost', id, newMs - knownMs);
  R.add('hosts.maxNew', id, Math.max(...hosts.newHostMs));
  R.add('hosts.errors', id, hosts.errors);
  R.add('hosts.bgP99', id, bg.latency.p99);
  R.add('hosts.bgMax', id, bg.latency.max);
  await drained(p, 60_000);
  b.log(
    `  ${id} ${names.length} new HTTPS hosts: first response ${newMs.toFixed(1)} ms (known host, new connection ${knownMs.toFixed(1)} ms), errors ${hosts.errors}${hosts.firstError ? ` (${hosts.firstError})` : ''}; background p99 ${bg.latency.p99.toFixed(2)} ms, max ${bg.latency.max.toFixed(1)} ms (known hosts only: p99 ${control.bg.latency.p99.toFixed(2)} ms, max ${control.bg.latency.max.toFixed(1)} ms)`,
  );

  const mem = memoryOf(p.pid);
  if (mem) R.add('steady.peakRss', id, mem.peak);
  R.add('steady.cpuS', id, cpuSecondsOf(p.pid) - cpu0);
}

/** Two configurations compared in alternating short runs; `test` is reported against `base`. */
export interface Pair {
  /** Key prefix in Results: pair.NAME.cC.rps / .ratio. */
  name: string;
  base: ConfigId;
  test: ConfigId;
  connections: number[];
}

/**
 * Both proxies running, in alternating short runs (base-test, test-base, …):
 * each test/base ratio comes from two runs seconds apart, not the minutes
 * between two configurations' steady sessions, over which this machine's speed drifts.
 */
export async function pairedSession(b: Bench, pair: Pair, base: RunningProxy, test: RunningProxy): Promise<void> {
  const { plan, results: R } = b;
  // Proxyscope reports an exchange once stored: until it has reported every response wrk got,
  // the store is still writing, and that work must not land in the other side's next run.
  const sent = new Map<RunningProxy, number>();
  const caughtUp = async (p: RunningProxy, requests: number) => {
    sent.set(p, (sent.get(p) ?? 0) + requests);
    const e = p.events;
    if (e && !(await e.until(() => e.exchanges >= sent.get(p)!, 120_000))) b.log(`  paired: ${e.exchanges} of ${sent.get(p)} exchanges reported within 120 s`);
  };
  for (const p of [base, test]) {
    await caughtUp(p, (await httpLoad(b, p, '/json', 10, 1)).requests); // warm-up: connections, JIT
    await drained(p, 60_000);
  }
  for (const c of pair.connections) {
    for (let i = 0; i < plan.pairs; i++) {
      const rps = { base: NaN, test: NaN };
      const threads = { base: '', test: '' };
      const catchUp = { base: NaN, test: NaN };
      for (const which of i % 2 === 0 ? (['base', 'test'] as const) : (['test', 'base'] as const)) {
        const p = which === 'base' ? base : test;
        const before = threadTimesOf(p.pid);
        const r = await httpLoad(b, p, '/json', c, plan.pairS);
        rps[which] = r.rps;
        const t0 = performance.now();
        await caughtUp(p, r.requests);
        catchUp[which] = (performance.now() - t0) / 1000;
        threads[which] = threadTimesBetween(before, threadTimesOf(p.pid));
        if (!(await drained(p, 120_000))) b.log(`  paired c=${c}: outbox did not drain within 120 s`);
      }
      R.add(`pair.${pair.name}.c${c}.catchUpS`, pair.test, catchUp.test);
      R.add(`pair.${pair.name}.c${c}.rps`, pair.base, rps.base);
      R.add(`pair.${pair.name}.c${c}.rps`, pair.test, rps.test);
      R.add(`pair.${pair.name}.c${c}.ratio`, pair.test, rps.test / rps.base);
      b.log(
        `  paired ${pair.name} c=${c} #${i + 1}: ${pair.base} ${rps.base.toFixed(0)}, ${pair.test} ${rps.test.toFixed(0)} req/s, ratio ${(rps.test / rps.base).toFixed(3)}; ${pair.test} reported its last exchange ${catchUp.test.toFixed(1)} s after wrk ended; threads ${pair.base}: ${threads.base}; ${pair.test}: ${threads.test}`,
      );
    }
  }
}

/** One fresh proxy process: one response of `plan.streamBytes` streamed through it. */
export async function streamSession(b: Bench, id: ConfigId, p: RunningProxy): Promise<void> {
  const bytes = b.plan.streamBytes;
  const r = await b.client.run<StreamResult>({ kind: 'stream', route: httpRoute(b, p, `/stream?bytes=${bytes}`), bytes, timeoutMs: 600_000 }, 660_000);
  if (r.error) {
    b.log(`  ${id} stream: ${r.error}`);
    b.results.note(`${id}: the ${bytes / 2 ** 20} MiB stream failed once: ${r.error}`);
    return;
  }
  b.results.add('stream.mbps', id, r.mbPerSecond);
  const mem = memoryOf(p.pid);
  if (mem) b.results.add('stream.peakRss', id, mem.peak);
  await drained(p, 30_000);
  b.log(`  ${id} ${(bytes / 2 ** 20).toFixed(0)} MiB stream: ${r.mbPerSecond.toFixed(0)} MB/s in ${r.seconds.toFixed(1)} s${mem ? `, peak RSS ${mem.peak.toFixed(0)} MB` : ''}`);
}

/** One fresh Proxyscope process with forwarding on: `plan.exchanges` exchanges at 50 connections, then the drain and an idle period. */
export async function exchangesSession(b: Bench, id: ConfigId, p: RunningProxy): Promise<void> {
  const { plan, results: R } = b;
  const e = p.events!;
  const before = await b.collector.count();
  const t0 = performance.now();
  let peakRss = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(p.pid);
    if (m) peakRss = Math.max(peakRss, m.rss);
  }, 250);
  const r = await httpLoad(b, p, '/json', 50, 600, plan.exchanges, () => e.exchanges >= plan.exchanges);
  const loadS = (performance.now() - t0) / 1000;
  await sleep(200);
  const total = e.exchanges;
  const committedS = (e.lastExchangeAt - t0) / 1000;
  const done = await e.until(() => e.sent + e.failed >= total, 600_000);
  const deliveredS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const atDrain = memoryOf(p.pid);
  await sleep(plan.idleS * 1000);
  const afterIdle = memoryOf(p.pid);
  const after = await b.collector.count();
  if (!done) R.note(`${id}: not every message was delivered within 600 s (${e.sent} sent, ${e.failed} failed of ${total})`);
  if (e.failed > 0) R.note(`${id}: ${e.failed} of ${total} messages ended failed in the ${plan.exchanges}-exchange run`);
  R.add('ex.count', id, total);
  R.add('ex.errors', id, r.errors);
  R.add('ex.writeRate', id, total / committedS);
  R.add('ex.deliveredS', id, deliveredS);
  R.add('ex.drainS', id, deliveredS - loadS);
  R.add('ex.collector', id, after.received - before.received);
  if (atDrain && afterIdle) {
    R.add('ex.peakRss', id, Math.max(peakRss, atDrain.peak));
    R.add('ex.rssAtDrain', id, atDrain.rss);
    R.add('ex.rssIdle', id, afterIdle.rss);
  }
  b.log(
    `  ${id} ${total} exchanges (wrk errors ${r.errors}): outbox ${(total / committedS).toFixed(0)} msg/s, all delivered after ${deliveredS.toFixed(1)} s (collector got ${after.received - before.received}), peak RSS ${atDrain?.peak.toFixed(0)} MB, RSS at drain ${atDrain?.rss.toFixed(0)} → ${afterIdle?.rss.toFixed(0)} MB after ${plan.idleS} s idle`,
  );
}
