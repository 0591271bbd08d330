// The paired phase's tables: two configurations running side by side, their
// req/s in alternating short runs and the ratio of each pair.
import { CONFIG_LABELS } from './processes.js';
import { fmt } from './report.js';
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

/** One table per pair that ran: the two configurations' req/s and the test/base ratio, from alternating runs. */
export function pairedTables(R: Results, plan: Plan): string[] {
  const L: string[] = [];
  const pairs = { fwd: ['ps-off', 'ps-fwd'], store: ['ps-nostore', 'ps-off'], bare: ['bare', 'ps-fwd'] } as const;
  for (const t of PAIRED_TABLES) {
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
