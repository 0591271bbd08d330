// `node dist/bench/profile.js [config] [seconds] [connections] [path]` (after `npm run bench` built it):
// one Node proxy under `node --cpu-prof` while wrk drives keep-alive HTTP through it,
// then the profile's summary. Profiles land in dist/bench-profiles/.
// RATE=n: a fixed n req/s from the Node client instead of wrk (CPU per exchange
// compares better across changes than req/s at saturation). NOPROF=1: no profiler.
// Also prints, per thread of the proxy, upstream and collector, the CPU time used
// during the load and the time spent runnable but waiting for a CPU (schedstat).
// BENCH_NODE_FLAGS="…": extra node flags for the proxy; BENCH_PROXYSCOPE_ARGS="…": extra
// proxyscope arguments, e.g. "--store-max-exchanges 100" (experiments).
// BENCH_PER_THREAD=1: the proxy's threads one by one (by thread id) instead of summed by name;
// BENCH_COLLECTOR_PROF=1: the collector process under --cpu-prof too (/tmp/colprof).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { RateResult } from './loadClient.js';
import { cpuSecondsOf, experimentNodeFlags, threadTimesBetween, threadTimesOf, ROOT, startCollectorProcess, startConfig, startLoadClient, startUpstream, stopChild, type ConfigId } from './processes.js';
import { summarizeProfile } from './profileSummary.js';
import { createUpstreamCa } from './upstreamTls.js';
import { runWrk } from './wrk.js';

// `profile.js … | head -2` closes stdout early: without this the EPIPE would kill us before
// we stop the proxy, the upstream and the collector, and they would go on taking CPU.
process.stdout.on('error', () => undefined);
const [configArg = 'ps-fwd', secondsArg = '10', connectionsArg = '50', path = '/json'] = process.argv.slice(2);
const id = configArg as ConfigId;
if (!['ps-off', 'ps-fwd', 'ps-fwd-body', 'bare'].includes(id)) throw new Error('config: one of ps-off, ps-fwd, ps-fwd-body, bare');

const tmp = mkdtempSync(join(os.tmpdir(), 'proxyscope-profile-'));
const profileDir = join(ROOT, 'dist', 'bench-profiles');
mkdirSync(profileDir, { recursive: true });
const ca = createUpstreamCa(join(tmp, 'upstream'));
const upstream = await startUpstream({ caCertPath: ca.certPath, caKeyPath: ca.keyPath, hostCount: 1 });
const collector = await startCollectorProcess();
const before = Date.now();
const nodeFlags = [
  ...(process.env.NOPROF === '1' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
  ...experimentNodeFlags(),
];
const proxy = await startConfig(id, { tmp, upstreamCaPath: ca.certPath, collectorUrl: collector.url, nodeFlags });
const rate = Number(process.env.RATE);
const client = rate > 0 ? await startLoadClient() : null;
try {
  await runWrk({ proxy: proxy.proxy, upstreamPort: upstream.ready.httpPort, path, connections: 10, durationS: 1 });
  const e = proxy.events;
  const drain = () => (e?.ready?.forwarding ? e.until(() => e.sent + e.failed >= e.exchanges, 120_000) : Promise.resolve(true));
  await drain();
  const cpu0 = cpuSecondsOf(proxy.pid);
  const sent0 = e ? e.sent : 0;
  const watched = { proxy: proxy.pid, upstream: upstream.child.pid ?? null, collector: collector.child.pid ?? null };
  const snapshot = () => Object.fromEntries(Object.entries(watched).map(([k, pid]) => [k, threadTimesOf(pid)]));
  const times0 = snapshot();
  let times = times0;
  const collectorCpu0 = cpuSecondsOf(collector.child.pid ?? null);
  let line: string;
  if (client) {
    const route = { proxy: proxy.proxy, host: '127.0.0.1', port: upstream.ready.httpPort, path };
    const seconds = Number(secondsArg);
    const r = await client.run<RateResult>({ kind: 'rate', route, connections: Number(connectionsArg), rate, durationMs: seconds * 1000 }, seconds * 1000 + 60_000);
    times = snapshot();
    await drain();
    const cpu = cpuSecondsOf(proxy.pid) - cpu0;
    line = `${id}: fixed ${rate} req/s, ${r.completed} done, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms; proxy CPU ${((1e6 * cpu) / r.completed).toFixed(0)} µs per exchange`;
  } else {
    const r = await runWrk({ proxy: proxy.proxy, upstreamPort: upstream.ready.httpPort, path, connections: Number(connectionsArg), durationS: Number(secondsArg) });
    const cpuLoad = cpuSecondsOf(proxy.pid) - cpu0;
    times = snapshot();
    const sentDuringLoad = e ? e.sent - sent0 : 0;
    await drain();
    const cpu = cpuSecondsOf(proxy.pid) - cpu0;
    const perRequest = (seconds: number) => ((1e6 * seconds) / r.requests).toFixed(0);
    line =
      `${id}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; proxy CPU ${cpu.toFixed(1)} s = ${perRequest(cpu)} µs per request ` +
      `(${perRequest(cpuLoad)} µs during the load, the rest delivering after it; ${sentDuringLoad} sent by the end of the load)`;
  }
  const collectorCpu = cpuSecondsOf(collector.child.pid ?? null) - collectorCpu0;
  process.stdout.write(`${line}; collector CPU ${collectorCpu.toFixed(1)} s\n`);
  for (const k of Object.keys(watched)) process.stdout.write(`${k} threads during the load: ${threadTimesBetween(times0[k]!, times[k]!)}\n`);
} finally {
  if (client) await stopChild(client.child);
  await proxy.stop();
  await stopChild(upstream.child);
  await stopChild(collector.child);
  rmSync(tmp, { recursive: true, force: true });
}
const newest = readdirSync(profileDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(profileDir, f))
  .filter((f) => statSync(f).mtimeMs >= before)
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (newest) process.stdout.write(`${summarizeProfile(newest, 30)}\n`);
else process.stdout.write('no profile was written\n');
process.exit(0);
