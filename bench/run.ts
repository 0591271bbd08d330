// `npm run bench`: Proxyscope against a direct connection, mitmdump and bare
// http-mitm-proxy, in one run; writes bench/results.md and prints it.
// BENCH_QUICK=1: a short smoke run. BENCH_REPS=n, BENCH_CONFIGS=direct,ps-fwd,…
// BENCH_PROFILE=1: the Node proxies write CPU profiles to dist/bench-profiles/.
// BENCH_PHASES=steady,paired,stream,exchanges,store: run only those phases (a partial run writes to
// dist/bench/; `store` runs only when named, see storePhase.ts, and a full-size store run also
// replaces the "Session store" section of bench/results.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  CONFIG_LABELS,
  experimentNodeFlags,
  ROOT,
  startCollectorProcess,
  startConfig,
  startLoadClient,
  startUpstream,
  stopChild,
  type ConfigId,
  type ProxyEnvironment,
  type RunningProxy,
} from './processes.js';
import { describeMachine, render } from './report.js';
import { createUpstreamCa } from './upstreamTls.js';
import { hasMarkedSection, mergeSections } from './reportStore.js';
import { storeSession } from './storePhase.js';
import { exchangesSession, pairedSession, Results, steadySession, streamSession, type Bench, type Pair, type Plan } from './workloads.js';
import { wrkVersion } from './wrk.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ALL: ConfigId[] = ['direct', 'ps-off', 'ps-nostore', 'ps-fwd', 'ps-fwd-body', 'mitmdump', 'bare'];
/** Run only in the paired phase unless BENCH_CONFIGS names them: the store's cost is read from pairs. */
const PAIRED_ONLY: ConfigId[] = ['ps-nostore'];
/** The whole run stops starting new work past this. */
const BUDGET_MS = (QUICK ? 10 : 28) * 60_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => process.stderr.write(`[bench ${elapsed()}] ${line}\n`);

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs a Debian package when its command is missing and we are root; returns a note when it stays missing. */
function ensureTool(cmd: string, pkg: string): string | null {
  if (which(cmd)) return null;
  if (process.env.BENCH_NO_INSTALL === '1') return `${cmd} not found (BENCH_NO_INSTALL=1)`;
  if (process.getuid?.() !== 0 || !which('apt-get')) return `${cmd} not found and cannot install ${pkg} (needs root and apt-get): \`apt-get install -y ${pkg}\``;
  log(`installing ${pkg} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', pkg], { env, stdio: 'ignore', timeout: 600_000 }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    install();
  }
  return which(cmd) ? null : `${cmd} not found; \`apt-get install -y ${pkg}\` failed`;
}

function mitmdumpVersion(): string | null {
  const r = spawnSync('mitmdump', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (/Mitmproxy:\s*(\S+)/.exec(r.stdout)?.[1] ?? 'unknown') : null;
}

function planFromEnv(): Plan {
  const plan: Plan = QUICK
    ? { reps: 1, durationS: 2, connections: [1, 10, 50], rate: 1000, rateConnections: 50, httpsConnections: 10, newHosts: 5, streamBytes: 128 * 2 ** 20, exchanges: 5000, storeExchanges: 20_000, idleS: 2, useWrk: true, pairs: 2, pairS: 1 }
    : { reps: 3, durationS: 4, connections: [1, 10, 50], rate: 1000, rateConnections: 50, httpsConnections: 10, newHosts: 15, streamBytes: 2 ** 30, exchanges: 100_000, storeExchanges: 1_000_000, idleS: 10, useWrk: true, pairs: 6, pairS: 3 };
  const reps = Number(process.env.BENCH_REPS);
  if (Number.isInteger(reps) && reps > 0 && reps <= 20) plan.reps = reps;
  const stored = Number(process.env.BENCH_STORE_EXCHANGES);
  if (Number.isInteger(stored) && stored >= 1000 && stored <= 10_000_000) plan.storeExchanges = stored;
  return plan;
}

const PHASES = ['steady', 'paired', 'stream', 'exchanges', 'store'] as const;
/** Without BENCH_PHASES: `store` takes 10–25 minutes at full size, so it runs only when named. */
const DEFAULT_PHASES = PHASES.filter((p) => p !== 'store');

/** Pairs whose two configurations both run: forwarding's cost, the store's cost, and capture against bare http-mitm-proxy. */
function pairsOf(configs: ConfigId[], plan: Plan): Pair[] {
  const pairs: Pair[] = [
    { name: 'fwd', base: 'ps-off', test: 'ps-fwd', connections: plan.connections },
    { name: 'store', base: 'ps-nostore', test: 'ps-off', connections: [10, 50] },
    { name: 'bare', base: 'bare', test: 'ps-fwd', connections: [10, 50] },
  ];
  return pairs.filter((p) => configs.includes(p.base) && configs.includes(p.test));
}

/** A comma-separated subset of `known` from the environment (all of them when unset), in `known`'s order. */
function subsetFromEnv<T extends string>(name: string, known: readonly T[], byDefault: readonly T[] = known): T[] {
  const wanted = process.env[name]?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return [...byDefault];
  const unknown = wanted.filter((w) => !known.includes(w as T));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return known.filter((k) => wanted.includes(k));
}

async function main(): Promise<void> {
  const plan = planFromEnv();
  let configs = subsetFromEnv('BENCH_CONFIGS', ALL);
  const phases = subsetFromEnv('BENCH_PHASES', PHASES, DEFAULT_PHASES);
  const named = Boolean(process.env.BENCH_CONFIGS?.trim());
  /** The configurations of the steady, stream and exchanges phases and of the report's tables. */
  const tableConfigs = () => configs.filter((id) => named || !PAIRED_ONLY.includes(id));
  const results = new Results();
  const startedAt = new Date();

  const wrkNote = ensureTool('wrk', 'wrk');
  if (wrkNote) {
    plan.useWrk = false;
    results.note(`${wrkNote}: keep-alive HTTP load used the Node client instead of wrk`);
  }
  if (configs.includes('mitmdump')) {
    const note = ensureTool('mitmdump', 'mitmproxy');
    if (note) {
      configs = configs.filter((id) => id !== 'mitmdump');
      results.note(`mitmdump row skipped: ${note}`);
    }
  }
  if (process.env.BENCH_NODE_FLAGS) results.note(`Node proxies ran with extra flags: ${process.env.BENCH_NODE_FLAGS}`);
  const machine = describeMachine(plan.useWrk ? wrkVersion() : null, configs.includes('mitmdump') ? mitmdumpVersion() : null);
  log(`${QUICK ? 'quick' : 'full'} run of ${phases.join(', ')}: ${plan.reps} repetition(s) of ${configs.join(', ')} on ${machine.cpus} CPUs`);

  const tmp = mkdtempSync(join(os.tmpdir(), 'proxyscope-bench-'));
  const profileDir = join(ROOT, 'dist', 'bench-profiles');
  if (process.env.BENCH_PROFILE === '1') mkdirSync(profileDir, { recursive: true });
  const ca = createUpstreamCa(join(tmp, 'upstream'));
  const upstream = await startUpstream({ caCertPath: ca.certPath, caKeyPath: ca.keyPath, hostCount: plan.reps * configs.length * plan.newHosts + 10 });
  const collector = await startCollectorProcess();
  const client = await startLoadClient();
  const background = await startLoadClient();
  const helpers = [upstream.child, collector.child, client.child, background.child];
  const env: ProxyEnvironment = {
    tmp,
    upstreamCaPath: ca.certPath,
    collectorUrl: collector.url,
    nodeFlags: [
      ...(process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...experimentNodeFlags(),
    ],
  };
  const bench: Bench = { plan, results, httpPort: upstream.ready.httpPort, httpsPort: upstream.ready.httpsPort, client, background, collector, log };

  let running: RunningProxy | null = null;
  let pairedRunning: RunningProxy | null = null;
  const cleanup = async () => {
    await running?.stop();
    await pairedRunning?.stop();
    await Promise.all(helpers.map((c) => stopChild(c)));
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  const phase = async (name: string, ids: ConfigId[], session: (b: Bench, id: ConfigId, p: RunningProxy) => Promise<void>) => {
    for (let rep = 1; rep <= plan.reps; rep++) {
      for (const id of ids) {
        if (Date.now() - started > BUDGET_MS) {
          results.note(`time budget reached: ${name} for ${CONFIG_LABELS[id]} (repetition ${rep}) and later runs were skipped`);
          return;
        }
        log(`${name}, repetition ${rep}/${plan.reps}: ${CONFIG_LABELS[id]}`);
        try {
          running = await startConfig(id, env);
          await session(bench, id, running);
        } catch (err) {
          log(`  ${id}: ${(err as Error).message}`);
          results.note(`${CONFIG_LABELS[id]}, ${name}, repetition ${rep}: ${(err as Error).message.split('\n')[0]}`);
        } finally {
          await running?.stop();
          running = null;
        }
      }
    }
  };

  try {
    if (phases.includes('steady')) await phase('steady load', tableConfigs(), steadySession);
    for (const pair of phases.includes('paired') ? pairsOf(configs, plan) : []) {
      if (Date.now() - started > BUDGET_MS) {
        results.note(`time budget reached: the ${pair.name} pair and later ones were skipped`);
        break;
      }
      log(`paired ${pair.name} (${pair.test} against ${pair.base}): ${plan.pairs} pairs of ${plan.pairS} s runs per concurrency`);
      try {
        running = await startConfig(pair.base, env);
        pairedRunning = await startConfig(pair.test, env);
        await pairedSession(bench, pair, running, pairedRunning);
      } catch (err) {
        log(`  paired: ${(err as Error).message}`);
        results.note(`paired runs (${pair.name}): ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await running?.stop();
        await pairedRunning?.stop();
        running = pairedRunning = null;
      }
    }
    if (phases.includes('stream')) await phase('stream', tableConfigs(), streamSession);
    if (phases.includes('exchanges')) await phase(`${plan.exchanges} exchanges`, configs.filter((id) => id === 'ps-fwd' || id === 'ps-fwd-body'), exchangesSession);
    // Its own budget: a full-size store run is long by design, and stops by itself (BENCH_STORE_MAX_S).
    if (phases.includes('store')) {
      log(`store: ${plan.storeExchanges} exchanges captured and stored, then queries`);
      try {
        await storeSession(bench, env);
      } catch (err) {
        log(`  store: ${(err as Error).stack ?? (err as Error).message}`);
        results.note(`store phase: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await cleanup();
  }

  const markdown = render(results, plan, machine, tableConfigs(), startedAt, (Date.now() - started) / 1000, QUICK);
  // A quick run is a smoke test: it goes to dist/, never over the quoted results.
  mkdirSync(join(ROOT, 'dist', 'bench'), { recursive: true });
  const partial = QUICK || DEFAULT_PHASES.some((p) => !phases.includes(p));
  const quoted = join(ROOT, 'bench', 'results.md');
  const out = partial ? join(ROOT, 'dist', 'bench', 'results-partial.md') : quoted;
  // Issue #19's sections are kept across runs that did not measure them, and replaced by a full-size run that did.
  writeFileSync(out, partial ? markdown : mergeSections(quoted, markdown, false));
  if (partial && !QUICK && hasMarkedSection(markdown)) {
    writeFileSync(quoted, mergeSections(quoted, markdown, true));
    log(`replaced the session store sections of ${quoted}`);
  }
  writeFileSync(join(ROOT, 'dist', 'bench', partial ? 'results-partial.json' : 'results.json'), JSON.stringify({ plan, machine, results, store: results.store }, null, 1));
  process.stdout.write(markdown);
  log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
