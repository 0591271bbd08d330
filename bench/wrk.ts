// Runs wrk (Debian's package) with bench/wrk-proxy.lua: keep-alive HTTP/1.1,
// through a proxy by writing the absolute URI in the request line.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './processes.js';

const SCRIPT = join(ROOT, 'bench', 'wrk-proxy.lua');

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
  const env = {
    ...process.env,
    BENCH_PATH: o.proxy ? `http://${authority}${o.path}` : o.path,
    BENCH_HOST: authority,
    BENCH_LIMIT: String(o.limit ? Math.ceil(o.limit / threads) : 0),
  };
  const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${o.durationS}s`, '--timeout', '10s', '-s', SCRIPT, target];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (o.durationS + 30) * 1000);
    const poll = o.stopWhen
      ? setInterval(() => {
          if (o.stopWhen!()) {
            clearInterval(poll);
            child.kill('SIGINT'); // wrk prints its summary on SIGINT
          }
        }, 50)
      : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      clearInterval(poll);
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
        errors: r.connect! + r.read! + r.write! + r.status! + r.timeout!,
        bytes: r.bytes!,
      });
    });
  });
}
