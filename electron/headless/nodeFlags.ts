// V8 sizes its young generation when the process starts, and the proxy makes
// short-lived garbage at a high rate (the requests, parsers and buffers of every
// exchange). With Node's default 16 MiB semi-space, GC helper threads used a
// third as much CPU as the proxy thread itself; with 32 MiB, at 1,500 req/s the
// headless proxy needs ~23 % less CPU per exchange and its p99 latency halves
// (README, Benchmark). v8.setFlagsFromString cannot resize a running heap, so
// the headless entry points start Node with the flag.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

export const PROXY_NODE_FLAGS = ['--max-semi-space-size=32'];

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

/** Whether this process already runs with a chosen young-generation size (ours, or the user's). */
export function hasNodeFlags(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
}

/** Set in the CLI's environment when the launcher below started it. */
export const LAUNCHED_ENV = 'PROXYSCOPE_LAUNCHED';

/**
 * Runs the headless CLI with PROXY_NODE_FLAGS: in this process if it has them,
 * else in a child Node started with them, which this process waits for,
 * passing on signals and the exit code. The child stops by itself if this
 * process dies (the IPC channel closes).
 */
export function runHeadless(args: string[], inProcess: (args: string[]) => void): void {
  if (hasNodeFlags()) return inProcess(args);
  const child = spawn(process.execPath, [...PROXY_NODE_FLAGS, ...process.execArgv, CLI, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [LAUNCHED_ENV]: '1' },
    // Its own process group (POSIX): Ctrl-C reaches this process only, which passes it on once.
    detached: process.platform !== 'win32',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`proxyscope: cannot start ${process.execPath}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
}
