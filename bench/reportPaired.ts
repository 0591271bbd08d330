// The paired phase's tables: two configurations running side by side, their
// req/s in alternating short runs and the ratio of each pair. The store and
// bare pairs (issue #19) form a section of their own, kept across runs that
// did not measure them (reportStore.ts).
import { CONFIG_LABELS } from './processes.js';
import { fmt, type Machine } from './report.js';
import { marked } from './reportStore.js';
import { median } from './shared.js';
import type { Plan, Results } from './workloads.js';

const PAIRED_TABLES = [
  {
    name: 'fwd',
    title: 'Forwarding cost',
    intro: "The steady sessions above run forwarding off and on minutes apart; this machine's speed drifts over minutes, so the ratio of those medians swings. Here each on/off ratio comes from two runs seconds apart.",
  },
  {
    name: 'store',
    title: 'Session store cost',
    intro: 'Forwarding off both; the base runs with `--no-session-store` (nothing written but the outbox), the other stores every exchange in sessions.db (issue #19).',
  },
  {
    name: 'bare',
    title: 'Product against bare http-mitm-proxy',
    intro: 'Proxyscope with forwarding on (log_body off, session store on) against the library with no hooks: what capture, storage and forwarding cost together.',
  },
] as const;

type PairName = (typeof PAIRED_TABLES)[number]['name'];

/** One table per pair named that ran: the two configurations' req/s and the test/base ratio, from alternating runs. */
export function pairedTables(R: Results, plan: Plan, names: PairName[] = ['fwd']): string[] {
  const L: string[] = [];
  const pairs = { fwd: ['ps-off', 'ps-fwd'], store: ['ps-nostore', 'ps-off'], bare: ['bare', 'ps-fwd'] } as const;
  for (const t of PAIRED_TABLES.filter((x) => names.includes(x.name))) {
    const [base, test] = pairs[t.name];
    const cs = [1, 10, 50].filter((c) => R.values(`pair.${t.name}.c${c}.ratio`, test).length > 0);
    if (!cs.length) continue;
    L.push(`## ${t.title}, paired runs (${plan.useWrk ? 'wrk' : 'Node client'}, 1 KiB; both proxies running, ${plan.pairs} pairs of ${plan.pairS} s runs per concurrency, alternating)`, '');
    L.push(t.intro, '');
    L.push(`| Connections | ${CONFIG_LABELS[base]} req/s | ${CONFIG_LABELS[test]} req/s | ratio (median of pairs) | lowest pair | highest pair |`, '|---|---:|---:|---:|---:|---:|');
    for (const c of cs) {
      const ratios = R.values(`pair.${t.name}.c${c}.ratio`, test);
      L.push(`| ${c} | ${fmt(R.median(`pair.${t.name}.c${c}.rps`, base))} | ${fmt(R.median(`pair.${t.name}.c${c}.rps`, test))} | ${fmt(median(ratios), 3)} | ${fmt(Math.min(...ratios), 3)} | ${fmt(Math.max(...ratios), 3)} |`);
    }
    L.push('');
  }
  return L;
}

/** The store and bare pairs as the "Session store cost" section, or null when neither ran. */
export function storePairsSection(R: Results, plan: Plan, machine: Machine, startedAt: Date, quick: boolean): string | null {
  const tables = pairedTables(R, plan, ['store', 'bare']);
  if (!tables.length) return null;
  const L = ['## Session store cost and capture against bare http-mitm-proxy, paired runs (issue #19)', ''];
  L.push(`Run ${startedAt.toISOString()} at commit ${machine.commit}${quick ? ' — **BENCH_QUICK smoke run: too short to quote**' : ''}: \`BENCH_PHASES=paired BENCH_CONFIGS=ps-off,ps-nostore,ps-fwd,bare npm run bench\` (or any run with the paired phase).`, '');
  const ratios = [10, 50].map((c) => ({ c, r: R.values(`pair.store.c${c}.ratio`, 'ps-off') })).filter((x) => x.r.length);
  if (ratios.length) {
    const verdicts = ratios.map(({ c, r }) => `c=${c}: ${fmt(median(r), 3)} ${median(r) >= 0.9 ? '(met)' : '(**missed**)'}`);
    L.push(`Target: capture with the session store ≥ 0.90 of the same build with \`--no-session-store\`. ${verdicts.join('; ')}.`, '');
    const lag = ratios.map(({ c }) => `c=${c}: ${fmt(median(R.values(`pair.store.c${c}.catchUpS`, 'ps-off')), 1)} s`);
    L.push(`Each run is followed by a wait until the store has reported every exchange wrk got (so its writing does not spill into the next run); after a ${plan.pairS} s run it reported the last one, median: ${lag.join('; ')}.`, '');
  }
  L.push(...tables.map((line) => line.replace(/^## /, '### ')));
  return marked('store-pairs', L.join('\n').trimEnd());
}
