// Runs wrk (Debian's package) with bench/wrk-proxy.lua: keep-alive HTTP/1.1,
// through a proxy by writing the absolute URI in the request line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

const SCRIPT = join(ROOT, 'bench', 'wrk-proxy.lua');
const MIX_SCRIPT = join(ROOT, 'bench', 'wrk-mix.lua');

export interface WrkOptions {
  /** The proxy's URL, or null to go direct. */
  proxy: string | null;
  upstreamPort: number;
  path: string;
  connections: number;
  durationS: number;
  /** Stop after about this many responses in total (0: duration only). */
  limit?: number;
  /** Polled; true ends the run early (wrk's main thread otherwise sleeps out the whole duration). */
  stopWhen?: () => boolean;
  /** The store phase's varied mix (bench/wrk-mix.lua) instead of one path; needs a proxy. */
  mix?: boolean;
  /** With `mix`: each connection pauses this long between requests (a paced rate instead of saturation). */
  pauseMs?: number;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency in ms. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  bytes: number;
}

export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return null;
  return /wrk\s+(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const threads = Math.min(2, o.connections);
  const authority = `127.0.0.1:${o.upstreamPort}`;
  const target = o.proxy ?? `http://${authority}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_PATH: o.proxy ? `http://${authority}${o.path}` : o.path,
    BENCH_HOST: authority,
    BENCH_LIMIT: String(o.limit ? Math.ceil(o.limit / threads) : 0),
    BENCH_PORT: String(o.upstreamPort),
    BENCH_DELAY_MS: String(Math.max(0, Math.round(o.pauseMs ?? 0))),
  };
  const script = o.mix ? MIX_SCRIPT : SCRIPT;
  // The mix's threads say when they reached their limit: the run ends then, not at the duration.
  const doneDir = o.mix && o.limit ? mkdtempSync(join(os.tmpdir(), 'bench-wrk-')) : null;
  const doneFile = doneDir && join(doneDir, 'done');
  if (doneFile) env.BENCH_DONE_FILE = doneFile;
  const threadsDone = () => (doneFile && existsSync(doneFile) ? readFileSync(doneFile, 'utf8').split('\n').filter(Boolean).length >= threads : false);
  const stopWhen = o.stopWhen ?? (doneFile ? threadsDone : undefined);
  const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${o.durationS}s`, '--timeout', '10s', '-s', script, target];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (o.durationS + 30) * 1000);
    const poll = stopWhen
      ? setInterval(() => {
          if (stopWhen()) {
            clearInterval(poll);
            child.kill('SIGINT'); // wrk prints its summary on SIGINT
          }
        }, 50)
      : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      clearInterval(poll);
      if (doneDir) rmSync(doneDir, { recursive: true, force: true });
      const line = /BENCH_RESULT (\{.*\})/.exec(out)?.[1];
      if (!line) return reject(new Error(`wrk exited ${code} without a result: ${out.slice(-500)}`));
      const r = JSON.parse(line) as Record<string, number>;
      const seconds = r.durationUs! / 1e6;
      resolve({
        requests: r.requests!,
        seconds,
        rps: r.requests! / seconds,
        p50: r.p50! / 1000,
        p99: r.p99! / 1000,
        max: r.max! / 1000,
        // The mix asks for 404s and 500s: those statuses are the workload, not errors.
        errors: r.connect! + r.read! + r.write! + (o.mix ? 0 : r.status!) + r.timeout!,
        bytes: r.bytes!,
      });
    });
  });
}
