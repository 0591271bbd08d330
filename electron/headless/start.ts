// `npm start`: the desktop app where an Electron runtime can run, else headless.
// We look for the Electron binary ourselves: require('electron') would try to
// download it from GitHub on first use, which hangs or fails offline.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './cli.js';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function electronBinary(): { path: string } | { missing: string } {
  if (process.env.PROXYSCOPE_HEADLESS === '1') return { missing: 'PROXYSCOPE_HEADLESS=1 is set' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { missing: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (it is a devDependency)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const binary = existsSync(pathFile) ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  if (!binary || !existsSync(binary)) {
    return { missing: 'the Electron binary has not been downloaded (it comes from GitHub on first use: run `npx install-electron` where GitHub is reachable)' };
  }
  return { path: binary };
}

const args = process.argv.slice(2).filter((a) => a !== '--headless');
const found = electronBinary();
if ('path' in found && !process.argv.includes('--headless')) {
  const child = spawn(found.path, [appRoot, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = 'missing' in found ? found.missing : '--headless given';
  process.stderr.write(`Proxyscope: no Electron runtime can run here (${why}); starting headless: proxy + web UI on 127.0.0.1.\n`);
  run(['--headless', ...args]);
}
