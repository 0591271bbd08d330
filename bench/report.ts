// Renders a bench run as markdown: the machine, the tables of medians with
// ratios to direct and to mitmdump, and the issue's targets met or missed.
// Long because each table of the report is written here, next to the others.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { CONFIG_LABELS, type ConfigId } from './processes.js';
import { pairedTables, storePairsSection } from './reportPaired.js';
import { renderStoreSection } from './reportStore.js';
import { median } from './shared.js';
import type { Plan, Results } from './workloads.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  ramGiB: number;
  os: string;
  kernel: string;
  node: string;
  wrk: string | null;
  mitmdump: string | null;
  commit: string;
}

function sh(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** +3.1 % / −7.8 % (forwarding on can measure faster than off on a noisy machine). */
function signedPercent(ratio: number): string {
  const v = (100 * Math.abs(ratio)).toFixed(1);
  return `${ratio < 0 ? '−' : '+'}${v} %`;
}

export function describeMachine(wrk: string | null, mitmdump: string | null): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(sh('cat /etc/os-release'))?.[1] ?? os.type();
  const dirty = sh('git status --porcelain --untracked-files=no') ? ' (with uncommitted changes)' : '';
  return {
    cpus: Number(sh('nproc')) || os.availableParallelism(),
    cpuModel: model.trim(),
    ramGiB: os.totalmem() / 2 ** 30,
    os: pretty,
    kernel: os.release(),
    node: process.version,
    wrk,
    mitmdump,
    commit: `${sh('git rev-parse --short HEAD') || 'unknown'}${dirty}`,
  };
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

interface Column {
  title: string;
  key?: string;
  digits?: number;
  /** Ratio of this row's `key` value to the direct / mitmdump row's. */
  ratioTo?: ConfigId;
  value?: (id: ConfigId) => string;
}

function table(R: Results, configs: ConfigId[], columns: Column[]): string {
  const head = `| Configuration | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---:').join('|')}|`;
  const rows = configs.map((id) => {
    const cells = columns.map((c) => {
      if (c.value) return c.value(id);
      const v = R.median(c.key!, id);
      if (c.ratioTo) return id === c.ratioTo ? (Number.isFinite(v) ? '1.00×' : '–') : ratio(v, R.median(c.key!, c.ratioTo));
      return fmt(v, c.digits ?? 0);
    });
    return `| ${CONFIG_LABELS[id]} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

type Verdict = { target: string; measured: string; met: boolean | null };

function targets(R: Results, plan: Plan): Verdict[] {
  const m = (key: string, id: ConfigId) => R.median(key, id);
  const out: Verdict[] = [];
  const known = (...xs: number[]) => xs.every(Number.isFinite);
  for (const c of plan.connections) {
    const fwd = m(`http.c${c}.rps`, 'ps-fwd');
    const mitm = m(`http.c${c}.rps`, 'mitmdump');
    const direct = m(`http.c${c}.rps`, 'direct');
    out.push({
      target: `Keep-alive HTTP c=${c}, forwarding on (log_body off) ≥ 4× mitmdump req/s`,
      measured: known(fwd, mitm) ? `${fmt(fwd)} vs ${fmt(mitm)} req/s = ${ratio(fwd, mitm)}` : 'not measured',
      met: known(fwd, mitm) ? fwd >= 4 * mitm : null,
    });
    out.push({
      target: `Keep-alive HTTP c=${c}, forwarding on (log_body off) ≥ 30 % of direct req/s`,
      measured: known(fwd, direct) ? `${fmt(fwd)} vs ${fmt(direct)} req/s = ${fmt((100 * fwd) / direct)} %` : 'not measured',
      met: known(fwd, direct) ? fwd >= 0.3 * direct : null,
    });
  }
  {
    const fwd = m('node20.rps', 'ps-fwd');
    const direct = m('node20.rps', 'direct');
    const mitm = m('node20.rps', 'mitmdump');
    out.push({
      target: 'Same two targets with the Node client at c=20 (the issue\'s probe setting): ≥ 4× mitmdump',
      measured: known(fwd, mitm) ? `${fmt(fwd)} vs ${fmt(mitm)} req/s = ${ratio(fwd, mitm)}` : 'not measured',
      met: known(fwd, mitm) ? fwd >= 4 * mitm : null,
    });
    out.push({
      target: '… and ≥ 30 % of direct (Node client, c=20)',
      measured: known(fwd, direct) ? `${fmt(fwd)} vs ${fmt(direct)} req/s = ${fmt((100 * fwd) / direct)} %` : 'not measured',
      met: known(fwd, direct) ? fwd >= 0.3 * direct : null,
    });
  }
  const addedRate = m('rate.p99', 'ps-fwd') - m('rate.p99', 'direct');
  out.push({
    target: `Added p99 latency ≤ 2 ms at 50 concurrent (fixed ${fmt(plan.rate)} req/s over ${plan.rateConnections} connections)`,
    measured: Number.isFinite(addedRate) ? `${fmt(m('rate.p99', 'ps-fwd'), 2)} − ${fmt(m('rate.p99', 'direct'), 2)} = ${fmt(addedRate, 2)} ms` : 'not measured',
    met: Number.isFinite(addedRate) ? addedRate <= 2 : null,
  });
  if (plan.connections.includes(50)) {
    const addedClosed = m('http.c50.p99', 'ps-fwd') - m('http.c50.p99', 'direct');
    out.push({
      target: 'Added p99 latency at 50 concurrent, closed loop at saturation (wrk; for reference)',
      measured: Number.isFinite(addedClosed) ? `${fmt(m('http.c50.p99', 'ps-fwd'), 2)} − ${fmt(m('http.c50.p99', 'direct'), 2)} = ${fmt(addedClosed, 2)} ms` : 'not measured',
      met: Number.isFinite(addedClosed) ? addedClosed <= 2 : null,
    });
  }
  for (const c of plan.connections) {
    const on = m(`http.c${c}.rps`, 'ps-fwd');
    const off = m(`http.c${c}.rps`, 'ps-off');
    out.push({
      target: `Forwarding on costs ≤ 10 % req/s against forwarding off (c=${c}; medians of the steady sessions above, minutes apart)`,
      measured: known(on, off) ? `${fmt(on)} vs ${fmt(off)} req/s = ${signedPercent(on / off - 1)}` : 'not measured',
      met: known(on, off) ? on >= 0.9 * off : null,
    });
    const pairs = R.values(`pair.fwd.c${c}.ratio`, 'ps-fwd');
    if (pairs.length) {
      const r = median(pairs);
      out.push({
        target: `… the same, from paired runs (c=${c}; median of ${pairs.length} on/off ratios, each from two runs seconds apart)`,
        measured: `${signedPercent(r - 1)} (pairs from ${signedPercent(Math.min(...pairs) - 1)} to ${signedPercent(Math.max(...pairs) - 1)})`,
        met: r >= 0.9,
      });
    }
  }
  for (const c of [10, 50]) {
    const pairs = R.values(`pair.store.c${c}.ratio`, 'ps-off');
    if (!pairs.length) continue;
    const r = median(pairs);
    out.push({
      target: `Session store costs ≤ 10 % req/s against the same build with --no-session-store (issue #19; c=${c}, forwarding off, paired runs)`,
      measured: `${fmt(r, 3)}× (pairs from ${fmt(Math.min(...pairs), 3)} to ${fmt(Math.max(...pairs), 3)})`,
      met: r >= 0.9,
    });
  }
  const cost = m('hosts.cost', 'ps-fwd');
  out.push({
    target: 'A new HTTPS host costs ≤ 15 ms (first response from a new host − from a known host on a new connection)',
    measured: Number.isFinite(cost) ? `${fmt(m('hosts.new', 'ps-fwd'), 1)} − ${fmt(m('hosts.known', 'ps-fwd'), 1)} = ${fmt(cost, 1)} ms` : 'not measured',
    met: Number.isFinite(cost) ? cost <= 15 : null,
  });
  const bgMax = Math.max(...R.values('hosts.bgMax', 'ps-fwd'));
  const controlMax = Math.max(...R.values('hosts.controlBgMax', 'ps-fwd'));
  out.push({
    target:
      'No other connection stalls while new hosts arrive: worst background request ≤ 15 ms, or no worse than in the control (the same fresh connections, to the known host only), over all repetitions',
    measured: Number.isFinite(bgMax)
      ? `worst ${fmt(bgMax, 1)} ms, p99 ${fmt(m('hosts.bgP99', 'ps-fwd'), 2)} ms; control worst ${fmt(controlMax, 1)} ms, p99 ${fmt(m('hosts.controlBgP99', 'ps-fwd'), 2)} ms`
      : 'not measured',
    met: Number.isFinite(bgMax) ? bgMax <= 15 || (Number.isFinite(controlMax) && bgMax <= controlMax) : null,
  });
  for (const id of ['ps-fwd', 'ps-fwd-body'] as const) {
    const s = Math.max(...R.values('stream.peakRss', id));
    out.push({
      target: `Peak RSS ≤ 300 MB through the ${fmt(plan.streamBytes / 2 ** 20)} MiB stream (${CONFIG_LABELS[id]})`,
      measured: Number.isFinite(s) ? `${fmt(s)} MB (worst repetition)` : 'not measured',
      met: Number.isFinite(s) ? s <= 300 : null,
    });
    const x = Math.max(...R.values('ex.peakRss', id));
    out.push({
      target: `Peak RSS ≤ 300 MB through ${fmt(plan.exchanges)} exchanges (${CONFIG_LABELS[id]})`,
      measured: Number.isFinite(x) ? `${fmt(x)} MB (worst repetition)` : 'not measured',
      met: Number.isFinite(x) ? x <= 300 : null,
    });
    const growth = Math.max(...R.values('ex.rssIdle', id).map((v, i) => v - R.values('ex.rssAtDrain', id)[i]!));
    out.push({
      target: `No RSS growth after traffic stops and the outbox drains (${plan.idleS} s idle; ${CONFIG_LABELS[id]})`,
      measured: Number.isFinite(growth) ? `${growth >= 0 ? '+' : ''}${fmt(growth, 1)} MB (worst repetition)` : 'not measured',
      met: Number.isFinite(growth) ? growth <= 2 : null,
    });
  }
  return out;
}

export function render(R: Results, plan: Plan, machine: Machine, configs: ConfigId[], startedAt: Date, seconds: number, quick: boolean): string {
  const L: string[] = [];
  const has = (id: ConfigId) => configs.includes(id);
  const ratioCols = (key: string): Column[] => [
    ...(has('direct') ? [{ title: '× direct', key, ratioTo: 'direct' as const }] : []),
    ...(has('mitmdump') ? [{ title: '× mitmdump', key, ratioTo: 'mitmdump' as const }] : []),
    // Proxyscope against the library it is built on: what capture itself costs.
    ...(has('bare') ? [{ title: '× bare', key, ratioTo: 'bare' as const }] : []),
  ];
  L.push('# Proxyscope benchmark results', '');
  L.push(`Run ${startedAt.toISOString()} at commit ${machine.commit}, ${fmt(seconds / 60, 1)} minutes${quick ? ' — **BENCH_QUICK smoke run: too short to quote**' : ''}.`);
  L.push(`Medians of ${plan.reps} repetition${plan.reps === 1 ? '' : 's'}; the configurations take turns within each repetition.`, '');
  L.push('**Machine:** ' + [
    `${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}`,
    `${fmt(machine.ramGiB, 1)} GiB RAM`,
    `${machine.os}, Linux ${machine.kernel}`,
    `Node ${machine.node}`,
    `wrk ${machine.wrk ?? 'not available'}`,
    `mitmdump ${machine.mitmdump ?? 'not available'}`,
  ].join('; ') + '. Client, upstream, proxy and collector all share this machine.', '');

  L.push(`## Keep-alive HTTP, 1 KiB JSON responses (${plan.useWrk ? 'wrk' : 'Node client'}, ${plan.durationS} s per run)`, '');
  const cols: Column[] = [];
  for (const c of plan.connections) {
    cols.push({ title: `c=${c} req/s`, key: `http.c${c}.rps` }, ...ratioCols(`http.c${c}.rps`).map((x) => ({ ...x, title: `c=${c} ${x.title}` })));
  }
  L.push(table(R, configs, cols), '');
  L.push('Latency (ms), closed loop at saturation:', '');
  L.push(table(R, configs, plan.connections.flatMap((c) => [
    { title: `c=${c} p50`, key: `http.c${c}.p50`, digits: 2 },
    { title: `c=${c} p99`, key: `http.c${c}.p99`, digits: 2 },
  ])), '');

  L.push('## Keep-alive HTTP, 1 KiB, 20 connections, Node client (the issue\'s probe setting)', '');
  L.push(table(R, configs, [
    { title: 'req/s', key: 'node20.rps' },
    ...ratioCols('node20.rps'),
    { title: 'p50 ms', key: 'node20.p50', digits: 2 },
    { title: 'p99 ms', key: 'node20.p99', digits: 2 },
  ]), '');

  L.push(`## Added latency at a fixed rate: ${fmt(plan.rate)} req/s over ${plan.rateConnections} keep-alive connections (Node client, open loop)`, '');
  L.push(table(R, configs, [
    { title: 'p50 ms', key: 'rate.p50', digits: 2 },
    { title: 'p99 ms', key: 'rate.p99', digits: 2 },
    { title: 'added p99 ms', value: (id) => fmt(R.median('rate.p99', id) - R.median('rate.p99', 'direct'), 2) },
  ]), '');

  L.push(`## Keep-alive HTTP, 100 KiB responses (${plan.useWrk ? 'wrk' : 'Node client'}, 10 connections)`, '');
  L.push(table(R, configs, [
    { title: 'req/s', key: 'http100k.rps' },
    { title: 'MB/s', value: (id) => fmt((R.median('http100k.rps', id) * 102_400) / 1e6) },
    ...ratioCols('http100k.rps'),
    { title: 'p99 ms', key: 'http100k.p99', digits: 2 },
  ]), '');

  L.push(`## HTTPS through CONNECT, steady state (Node client, ${plan.httpsConnections} keep-alive tunnels)`, '');
  L.push(table(R, configs, [
    { title: 'req/s', key: 'https.rps' },
    ...ratioCols('https.rps'),
    { title: 'p50 ms', key: 'https.p50', digits: 2 },
    { title: 'p99 ms', key: 'https.p99', digits: 2 },
  ]), '');

  L.push(...pairedTables(R, plan));
  L.push(`## New HTTPS hosts: ${plan.newHosts} hostnames per repetition, one at a time, while another connection runs 200 req/s`, '');
  L.push('Control: before each repetition, the same sequence of fresh connections goes to the known host only, with the same background load; its background columns show what that traffic costs without any certificate work.', '');
  L.push(table(R, configs, [
    { title: 'first response, new host (ms)', key: 'hosts.new', digits: 1 },
    { title: 'new connection, known host (ms)', key: 'hosts.known', digits: 1 },
    { title: 'new-host cost (ms)', key: 'hosts.cost', digits: 1 },
    { title: 'slowest new host (ms)', key: 'hosts.maxNew', digits: 1 },
    { title: 'background p99 (ms)', key: 'hosts.bgP99', digits: 2 },
    { title: 'background worst (ms)', value: (id) => fmt(Math.max(...R.values('hosts.bgMax', id)), 1) },
    { title: 'control: background p99 (ms)', key: 'hosts.controlBgP99', digits: 2 },
    { title: 'control: background worst (ms)', value: (id) => fmt(Math.max(...R.values('hosts.controlBgMax', id)), 1) },
  ]), '');

  L.push(`## ${fmt(plan.streamBytes / 2 ** 20)} MiB response streamed through (fresh proxy process per repetition)`, '');
  L.push(table(R, configs, [
    { title: 'MB/s', key: 'stream.mbps' },
    ...ratioCols('stream.mbps'),
    { title: 'proxy peak RSS (MB)', key: 'stream.peakRss' },
  ]), '');

  const fwd = configs.filter((id) => id === 'ps-fwd' || id === 'ps-fwd-body');
  if (fwd.length) {
    L.push(`## ${fmt(plan.exchanges)} exchanges with forwarding on (wrk, 50 connections; fresh proxy process per repetition)`, '');
    L.push(table(R, fwd, [
      { title: 'exchanges written to the outbox /s', key: 'ex.writeRate' },
      { title: 'all delivered after (s)', key: 'ex.deliveredS', digits: 1 },
      { title: 'drain after load (s)', key: 'ex.drainS', digits: 1 },
      { title: 'collector received', key: 'ex.collector' },
      { title: 'peak RSS (MB)', key: 'ex.peakRss' },
      { title: 'RSS at drain (MB)', key: 'ex.rssAtDrain' },
      { title: `RSS after ${plan.idleS} s idle (MB)`, key: 'ex.rssIdle' },
    ]), '');
  }

  L.push('## Targets (issues #4 and #19), from this run', '');
  L.push('| Target | Measured | Met |', '|---|---|:---:|');
  for (const t of targets(R, plan)) L.push(`| ${t.target} | ${t.measured} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
  L.push('');

  const storePairs = storePairsSection(R, plan, machine, startedAt, quick);
  if (storePairs) L.push(storePairs, '');
  if (R.store) L.push(renderStoreSection(R.store, machine, startedAt, quick), '');

  L.push('## How it was measured', '');
  L.push(
    `- Everything runs on 127.0.0.1: a Node upstream (keep-alive; /json 1 KiB, /100k 100 KiB, /stream), the strict Runscope-compatible collector from test/support, each in its own process, and the proxy under test. Proxyscope is the real headless CLI (\`--headless --json --quiet --no-ui\`, fresh data dir: running totals on stdout instead of a line per exchange, as mitmdump runs with \`-q\`); forwarding rows point it at the collector.`,
    `- Keep-alive HTTP load: ${plan.useWrk ? '**wrk** (Debian) with `bench/wrk-proxy.lua`, which writes the absolute URI in the request line as an HTTP proxy client must. wrk is a C event loop, so on 2 cores the load generator takes far less CPU from the proxy than a Node generator would; autocannon has no proxy mode (it would need a custom request path and Host header per request) and costs a Node process\'s CPU per request' : '**the Node client** (wrk not available)'}. Threads: min(2, connections).`,
    '- HTTPS, fixed-rate latency, new hosts and the stream use **a purpose-built Node client** (bench/loadClient.ts, its own process): wrk speaks neither CONNECT nor TLS inside a tunnel, and neither wrk nor autocannon does open-loop fixed-rate load. HTTPS uses an https.Agent whose sockets are TLS inside CONNECT tunnels, kept alive.',
    `- Added latency: closed-loop p99 at saturation is queueing (Little's law: latency ≈ connections ÷ throughput), so the latency target is measured open loop, at a fixed ${fmt(plan.rate)} req/s over ${plan.rateConnections} connections, latency taken from when each request is issued.`,
    '- New hosts: each repetition CONNECTs to names `nK.localhost` no proxy has seen (the upstream holds a certificate for each), alternating with a new connection to an already-seen host; "new-host cost" is the difference of the medians: certificate work plus the proxy\'s first upstream TLS handshake to that host. The Node proxies resolve `*.localhost` to 127.0.0.1 through a preloaded `dns.lookup` wrapper (bench/resolveLocalhost.ts) and mitmdump through a one-hook addon (bench/mitm_resolve_localhost.py): glibc here does not resolve subdomains of localhost.',
    '- mitmdump runs with `--set confdir=<tmp>` (its CA is trusted by the client), `ssl_verify_upstream_trusted_ca` for the upstream, and `stream_large_bodies=1m` so it streams large bodies instead of holding them whole (its default). Bare http-mitm-proxy: `new Proxy()`, `keepAlive: true`, no hooks, its own per-host key generation.',
    '- Proxyscope\'s `--json` stdout goes to a file the bench tails, not a pipe: Node writes to a pipe synchronously, so a bench process slow to read would stall the proxy and bill that wait to it.',
    '- Peak RSS is the proxy process\'s VmHWM from /proc; CPU time from /proc/PID/stat. Forwarding rows wait for the outbox to drain between runs, so each run starts with an empty queue.',
  );
  if (R.notes.length) {
    L.push('', '## Notes from this run', '');
    for (const n of R.notes) L.push(`- ${n}`);
  }
  L.push('');
  return L.join('\n');
}
