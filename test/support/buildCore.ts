// vitest globalSetup: the delivery worker thread runs the compiled core
// (dist/), because a worker cannot load our TypeScript sources, and CLI tests
// run dist/electron/headless/cli.js. Rebuild when any source of either is newer.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = 'dist/electron/core/runscope/deliveryWorker.js';
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtime('electron/core'), newestMtime('electron/headless'))) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
