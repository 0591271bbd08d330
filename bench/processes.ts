// Starting, watching and stopping the processes of a bench run: the upstream,
// the collector, the Node load clients and the proxies under test.
// Long because every process a run starts, and how its CPU, memory and threads
// are read, sits in one place, so a run's environment reads as one.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync } from 'node:fs';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CollectorCount } from './collectorProcess.js';
import type { Task, TaskResult } from './loadClient.js';
import { BUCKET, TOKEN } from './shared.js';
import type { UpstreamReady, UpstreamStart } from './upstream.js';

export { cpuSecondsOf, memoryOf, threadTimesBetween, threadTimesOf, type ThreadTimes } from './procStats.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** The repository root (this file runs from dist/bench/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The headless CLI under test; BENCH_CLI points at another build (a before/after comparison). */
export const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'electron', 'headless', 'cli.js');
const RESOLVE_HOOK = pathToFileURL(here('./resolveLocalhost.js')).href;

/** Space-separated words of an environment variable (none when unset). */
function wordsFromEnv(name: string): string[] {
  return process.env[name]?.split(' ').filter(Boolean) ?? [];
}

/** BENCH_NODE_FLAGS="…": extra flags for the Node proxies, for experiments (the quoted table runs them as users do). */
export function experimentNodeFlags(): string[] {
  return wordsFromEnv('BENCH_NODE_FLAGS');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function waitMessage<T>(child: ChildProcess, type: string, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: { type: string; error?: string }) => {
      if (msg.type === 'error') {
        cleanup();
        reject(new Error(`${what}: ${msg.error}`));
      } else if (msg.type === type) {
        cleanup();
        resolve(msg as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code}) before '${type}'`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Ends a child: SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startUpstream(start: UpstreamStart): Promise<{ child: ChildProcess; ready: UpstreamReady }> {
  const child = fork(here('./upstream.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(start);
  const ready = await waitMessage<UpstreamReady>(child, 'ready', 60_000, 'upstream');
  return { child, ready };
}

export interface CollectorHandle {
  child: ChildProcess;
  url: string;
  count(): Promise<CollectorCount>;
}

export async function startCollectorProcess(): Promise<CollectorHandle> {
  const child = fork(here('./collectorProcess.js'), [], { execArgv: process.env.BENCH_COLLECTOR_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/colprof'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await waitMessage<{ url: string }>(child, 'ready', 20_000, 'collector');
  return {
    child,
    url,
    count: () => {
      const reply = waitMessage<CollectorCount>(child, 'count', 10_000, 'collector');
      child.send({ type: 'count' });
      return reply;
    },
  };
}

export interface LoadClient {
  child: ChildProcess;
  run<R extends TaskResult>(task: Task, timeoutMs: number): Promise<R>;
  /** Ends an open-ended task (a 'rate' task) early. */
  stop(): void;
}

export async function startLoadClient(): Promise<LoadClient> {
  const child = fork(here('./loadClient.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await waitMessage(child, 'ready', 20_000, 'load client');
  return {
    child,
    async run<R extends TaskResult>(task: Task, timeoutMs: number) {
      const reply = waitMessage<{ result: R }>(child, 'result', timeoutMs, `load client (${task.kind})`);
      child.send({ type: 'task', task });
      return (await reply).result;
    },
    stop: () => child.send({ type: 'stop' }),
  };
}

/** Counts the NDJSON events a Proxyscope child prints, without keeping them. */
export class EventCounter {
  exchanges = 0;
  sent = 0;
  failed = 0;
  lastExchangeAt = 0;
  private rest = '';
  private waiters: Array<() => void> = [];
  ready: { proxy: string; ca: string; forwarding: boolean; ui?: string } | null = null;

  feed(chunk: string): void {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{"event":"totals"')) {
        const t = JSON.parse(line) as { exchanges: number; sent: number; failed: number };
        if (t.exchanges > this.exchanges) this.lastExchangeAt = performance.now();
        this.exchanges = t.exchanges;
        this.sent = t.sent;
        this.failed = t.failed;
      } else if (line.startsWith('{"event":"exchange"')) {
        this.exchanges++;
        this.lastExchangeAt = performance.now();
      } else if (line.startsWith('{"event":"delivery"')) {
        if (line.includes('"state":"sent"')) this.sent++;
        else if (line.includes('"state":"failed"')) this.failed++;
      } else if (line.startsWith('{"event":"ready"')) {
        this.ready = JSON.parse(line) as EventCounter['ready'];
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `predicate` holds, or after `timeoutMs` with false. */
  until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const deadline = setTimeout(() => resolve(false), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(deadline);
          resolve(true);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }
}

/** Calls `onText` with what is appended to `path`, every 50 ms; returns a stop function. */
function tailFile(path: string, onText: (text: string) => void): () => void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder('utf8');
  let offset = 0;
  let stopped = false;
  const read = () => {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n <= 0) return;
      offset += n;
      onText(decoder.write(buffer.subarray(0, n)));
    }
  };
  const timer = setInterval(read, 50);
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    read();
    closeSync(fd);
  };
}

/** One proxy under test, started. `proxy` null for the direct configuration. */
export interface RunningProxy {
  proxy: string | null;
  /** PEM the client must trust for HTTPS through this proxy (or the upstream CA, direct). */
  ca: string[];
  pid: number | null;
  events: EventCounter | null;
  /** Proxyscope's data dir. */
  dataDir?: string;
  stop(): Promise<void>;
}

export interface ProxyEnvironment {
  tmp: string;
  upstreamCaPath: string;
  collectorUrl: string;
  /** Extra node flags for Node proxies (--cpu-prof …). */
  nodeFlags: string[];
}

export type ConfigId = 'direct' | 'ps-off' | 'ps-nostore' | 'ps-fwd' | 'ps-fwd-body' | 'mitmdump' | 'bare';

export const CONFIG_LABELS: Record<ConfigId, string> = {
  direct: 'direct (no proxy)',
  'ps-off': 'Proxyscope, forwarding off',
  'ps-nostore': 'Proxyscope, forwarding off, no session store',
  'ps-fwd': 'Proxyscope, forwarding on, log_body off',
  'ps-fwd-body': 'Proxyscope, forwarding on, log_body on',
  mitmdump: 'mitmdump',
  bare: 'bare http-mitm-proxy',
};

function collectStderr(child: ChildProcess): () => string {
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (err.length < 20_000) err += c.toString();
  });
  return () => err;
}

export interface ProxyscopeOptions {
  forwarding: 'off' | 'on' | 'body';
  /** Serve the web UI (its URL lands in `events.ready.ui`). */
  ui?: boolean;
  args?: string[];
}

export async function startProxyscope(env: ProxyEnvironment, opts: ProxyscopeOptions): Promise<RunningProxy> {
  const { forwarding } = opts;
  const dataDir = mkdtempSync(join(env.tmp, 'proxyscope-'));
  // --quiet: running totals instead of a line per exchange, as mitmdump runs with -q.
  const ui = opts.ui ? ['--ui-port', '0'] : ['--no-ui'];
  const args = ['--headless', '--json', '--quiet', '--port', '0', ...ui, '--data-dir', dataDir, ...(opts.args ?? []), ...wordsFromEnv('BENCH_PROXYSCOPE_ARGS')];
  if (forwarding !== 'off') {
    args.push('--bucket', BUCKET, '--access-token', TOKEN, '--api-endpoint', env.collectorUrl, forwarding === 'body' ? '--log-body' : '--no-log-body');
  }
  // stdout goes to a file the bench tails: through a pipe, a busy bench would
  // block the proxy's synchronous stdout writes and bill that wait to the proxy.
  const stdoutPath = join(dataDir, 'stdout.ndjson');
  const stdoutFd = openSync(stdoutPath, 'w');
  const child = spawn(process.execPath, [...env.nodeFlags, '--import', RESOLVE_HOOK, CLI, ...args], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: env.upstreamCaPath },
    stdio: ['ignore', stdoutFd, 'pipe'],
  });
  closeSync(stdoutFd);
  const stderr = collectStderr(child);
  const events = new EventCounter();
  const stopTail = tailFile(stdoutPath, (c) => events.feed(c));
  child.once('exit', () => setTimeout(stopTail, 500));
  const ok = await Promise.race([events.until(() => events.ready !== null, 30_000), new Promise<false>((r) => child.once('exit', () => r(false)))]);
  if (!ok || !events.ready) {
    await stopChild(child);
    throw new Error(`Proxyscope did not start: ${stderr().trim()}`);
  }
  if (forwarding !== 'off' && !events.ready.forwarding) throw new Error(`Proxyscope started with forwarding off: ${stderr().trim()}`);
  return {
    proxy: events.ready.proxy,
    ca: [readFileSync(events.ready.ca, 'utf8')],
    pid: child.pid ?? null,
    events,
    dataDir,
    // A store that fell behind commits its backlog before it exits.
    stop: () => stopChild(child, 120_000),
  };
}

async function startBare(env: ProxyEnvironment): Promise<RunningProxy> {
  const caDir = join(env.tmp, 'bare-ca'); // reused: the library's CA key takes seconds to generate
  const child = spawn(process.execPath, [...env.nodeFlags, '--import', RESOLVE_HOOK, here('./bareProxy.js'), caDir], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: env.upstreamCaPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collectStderr(child);
  const events = new EventCounter();
  child.stdout!.setEncoding('utf8').on('data', (c: string) => events.feed(c));
  const ok = await Promise.race([events.until(() => events.ready !== null, 60_000), new Promise<false>((r) => child.once('exit', () => r(false)))]);
  if (!ok || !events.ready) {
    await stopChild(child);
    throw new Error(`bare http-mitm-proxy did not start: ${stderr().trim()}`);
  }
  return { proxy: events.ready.proxy, ca: [readFileSync(events.ready.ca, 'utf8')], pid: child.pid ?? null, events: null, stop: () => stopChild(child) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const MITM_ADDON = join(ROOT, 'bench', 'mitm_resolve_localhost.py');

async function startMitmdump(env: ProxyEnvironment): Promise<RunningProxy> {
  const confdir = join(env.tmp, 'mitmproxy'); // reused: its CA is made once
  const port = await freePort();
  const child = spawn(
    'mitmdump',
    [
      '--listen-host', '127.0.0.1',
      '--listen-port', String(port),
      '--set', `confdir=${confdir}`,
      '--set', `ssl_verify_upstream_trusted_ca=${env.upstreamCaPath}`,
      // Stream bodies over 1 MiB instead of buffering them (mitmproxy's default holds the whole body).
      '--set', 'stream_large_bodies=1m',
      '-q',
      '-s', MITM_ADDON,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr = collectStderr(child);
  const caPath = join(confdir, 'mitmproxy-ca-cert.pem');
  const deadline = Date.now() + 60_000;
  while (!(existsSync(caPath) && (await canConnect(port)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`mitmdump did not start: ${stderr().trim()}`);
    }
    await sleep(100);
  }
  return { proxy: `http://127.0.0.1:${port}`, ca: [readFileSync(caPath, 'utf8')], pid: child.pid ?? null, events: null, stop: () => stopChild(child) };
}

export function startConfig(id: ConfigId, env: ProxyEnvironment): Promise<RunningProxy> {
  switch (id) {
    case 'direct':
      return Promise.resolve({ proxy: null, ca: [readFileSync(env.upstreamCaPath, 'utf8')], pid: null, events: null, stop: async () => undefined });
    case 'ps-off':
      return startProxyscope(env, { forwarding: 'off' });
    case 'ps-nostore':
      return startProxyscope(env, { forwarding: 'off', args: ['--no-session-store'] });
    case 'ps-fwd':
      return startProxyscope(env, { forwarding: 'on' });
    case 'ps-fwd-body':
      return startProxyscope(env, { forwarding: 'body' });
    case 'mitmdump':
      return startMitmdump(env);
    case 'bare':
      return startBare(env);
  }
}
