// The `proxyscope` command (bin/proxyscope.js): starts the CLI in a Node with
// a larger young generation, and behaves as the CLI would to whoever runs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROXY_NODE_FLAGS } from '../../electron/headless/nodeFlags.js';

const BIN = fileURLToPath(new URL('../../bin/proxyscope.js', import.meta.url));
const START = fileURLToPath(new URL('../../dist/electron/headless/start.js', import.meta.url));
const linux = process.platform === 'linux';

/** Child pids of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function launch(entry = BIN): Promise<{ launcher: ChildProcess; cli: number; exit: Promise<number | null> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'launcher-'));
  const launcher = spawn(process.execPath, [entry, '--headless', '--json', '--port', '0', '--no-ui', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PROXYSCOPE_HEADLESS: '1' },
  });
  const exit = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
  const ready = await new Promise<{ event: string; proxy: string }>((resolve, reject) => {
    createInterface({ input: launcher.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
    launcher.once('exit', () => reject(new Error('launcher exited before the ready line')));
  });
  expect(ready.event).toBe('ready');
  const [cli] = childrenOf(launcher.pid!);
  expect(cli).toBeDefined();
  return { launcher, cli: cli!, exit };
}

describe.runIf(linux)('the proxyscope command', () => {
  it.each([
    ['proxyscope', BIN],
    ['npm start without Electron', START],
  ])('%s runs the CLI in a Node started with the young-generation flag, passes SIGTERM on, and exits with its code', async (_, entry) => {
    const { launcher, cli, exit } = await launch(entry);
    const argv = readFileSync(`/proc/${cli}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(PROXY_NODE_FLAGS));
    launcher.kill('SIGTERM');
    expect(await exit).toBe(0);
    await until(() => !existsSync(`/proc/${cli}`), 'the CLI to exit');
  });

  it('the CLI stops by itself when the launcher is killed', async () => {
    const { launcher, cli } = await launch();
    launcher.kill('SIGKILL');
    await until(() => !existsSync(`/proc/${cli}`) || readFileSync(`/proc/${cli}/stat`, 'utf8').includes(') Z '), 'the CLI to exit');
  });

  it('passes the exit code of a usage error through', () => {
    const r = spawnSync(process.execPath, [BIN, '--nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--nope/);
  });
});
