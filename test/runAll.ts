// `npm test` after the build: vitest and the browser tests side by side, each
// line prefixed with its runner, then the flood spec alone, since it measures
// the UI under load. Neither runner keeps both cores busy on its own (the
// browser tests mostly wait on Chromium and the app), so together they finish
// well before one after the other. Exit status: the first failure's, else 0.
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

const env = { ...process.env, PATH: `${join(process.cwd(), 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` };

function run(label: string, command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${label}] ${line}\n`));
    }
    // A command that cannot start emits 'error' and then 'close': said once, by 'error'.
    let failedToStart = false;
    child.on('error', (err) => {
      failedToStart = true;
      process.stdout.write(`[${label}] cannot start ${command}: ${err.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (failedToStart) return;
      process.stdout.write(`[${label}] ${code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`}\n`);
      resolve(code ?? 1);
    });
  });
}

const together = await Promise.all([run('vitest', 'vitest', ['run']), run('browser', 'playwright', ['test', '--project=views'])]);
const flood = await run('flood', 'playwright', ['test', '--project=flood', '--no-deps']);
process.exitCode = [...together, flood].find((code) => code !== 0) ?? 0;
