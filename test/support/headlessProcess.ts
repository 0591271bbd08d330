// Runs the real headless CLI as a child process and reads its --json lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const CLI = fileURLToPath(new URL('../../dist/electron/headless/cli.js', import.meta.url));

export interface CliEvent {
  event: string;
  [key: string]: unknown;
}

export interface HeadlessProcess {
  child: ChildProcess;
  events: CliEvent[];
  stdout: string[];
  stderr: string[];
  ready: CliEvent;
  waitFor(predicate: (e: CliEvent) => boolean, timeoutMs?: number, what?: string): Promise<CliEvent>;
  waitForCount(predicate: (e: CliEvent) => boolean, count: number, timeoutMs?: number): Promise<void>;
  exit(): Promise<number | string | null>;
}

// Under vitest: WebAssembly is compiled by the baseline compiler only. SQLite's optimised recompile costs
// every child a few hundred ms of CPU that a short test never earns back, and behaviour is the same.
const TEST_NODE_FLAGS = process.env.VITEST ? ['--liftoff-only'] : [];

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

export interface HeadlessLimits {
  /** Run under `ulimit -f` (KiB) with SIGXFSZ ignored: writes past it fail as on a full disk. */
  fileSizeLimitKb?: number;
}

export async function startHeadless(args: string[], env: NodeJS.ProcessEnv = {}, readyTimeoutMs = 20_000, limits: HeadlessLimits = {}): Promise<HeadlessProcess> {
  const argv = [...TEST_NODE_FLAGS, CLI, '--headless', '--json', ...args];
  const child = limits.fileSizeLimitKb
    ? spawn('bash', ['-c', `ulimit -f ${limits.fileSizeLimitKb * 2} && trap '' XFSZ && exec "$0" "$@"`, process.execPath, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: CliEvent[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  // A signal death reports the signal's name, so a test failure says which.
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    try {
      events.push(JSON.parse(line) as CliEvent);
    } catch {
      events.push({ event: 'not-json', line });
    }
    for (const l of listeners) l();
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));

  const waitFor = (predicate: (e: CliEvent) => boolean, timeoutMs = 20_000, what = 'event') =>
    new Promise<CliEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.find(predicate);
        if (hit) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; stderr: ${stderr.slice(-5).join(' | ')}`));
      }, timeoutMs);
      listeners.add(check);
      check();
      void exited.then(() => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`process exited before ${what}; stderr: ${stderr.slice(-25).join(' | ')}`));
        }
      });
    });

  const waitForCount = (predicate: (e: CliEvent) => boolean, count: number, timeoutMs = 30_000) =>
    waitFor(() => events.filter(predicate).length >= count, timeoutMs, `${count} matching events`).then(() => undefined);

  const ready = await waitFor((e) => e.event === 'ready', readyTimeoutMs, 'ready line');
  return {
    child,
    events,
    stdout,
    stderr,
    ready,
    waitFor,
    waitForCount,
    async exit() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}
