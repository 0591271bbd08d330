// Real packaging cannot run here (the Electron binary comes from GitHub), so we
// validate the electron-builder config and build an unpacked app around a
// placeholder binary, then check what app.asar holds and which fuses
// electron-builder flipped in the binary.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const run = promisify(execFile);

// The fuses the app ships with (electron-builder.yml), by @electron/fuses name.
const FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: true,
  enableCookieEncryption: true,
};

async function loadConfig() {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util/out/DebugLogger');
  const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
  return { config, validate: (c: unknown) => validateConfiguration(c, new DebugLogger(false)) as Promise<void> };
}

// A real Electron binary carries a fuse wire after this sentinel: version 1,
// its length, then one byte per fuse ('0' off, '1' on). The placeholder carries
// Electron's defaults so electron-builder has a wire to flip.
const { SENTINEL } = require('@electron/fuses/dist/constants');
const DEFAULT_WIRE = '10110001'; // runAsNode, cookieEncryption, nodeOptions, nodeCliInspect, asarIntegrity, onlyLoadAppFromAsar, v8Snapshot, fileProtocolPrivileges

describe('electron-builder', () => {
  it('accepts the configuration (Linux AppImage + deb, macOS dmg, Windows nsis)', async () => {
    const { config, validate } = await loadConfig();
    await validate(config);
    expect(config.appId).toBe('dev.proxyscope.app');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(existsSync(join(root, 'build', 'icon.png'))).toBe(true);
  });

  it('sets the Electron fuses, with key names its schema knows', async () => {
    const { config, validate } = await loadConfig();
    expect(config.electronFuses).toEqual(FUSES);
    // The renderer's module scripts and worker load from file://, which needs this fuse on (its default).
    expect(config.electronFuses).not.toHaveProperty('grantFileProtocolExtraPrivileges');
    // The schema is strict about fuse names, so a misspelt one would not pass silently.
    await expect(validate({ ...config, electronFuses: { ...FUSES, runAsnode: false } })).rejects.toThrow(/configuration\.electronFuses/);
  });

  describe('unpacked Linux app with a placeholder Electron binary', () => {
    let files: string[] = [];
    let binary = '';
    beforeAll(async () => {
      const fakeDist = mkdtempSync(join(tmpdir(), 'fake-electron-'));
      writeFileSync(join(fakeDist, 'electron'), `#!/bin/sh\necho placeholder\nexit 0\n${SENTINEL}\x01\x08${DEFAULT_WIRE}\n`, 'latin1');
      chmodSync(join(fakeDist, 'electron'), 0o755);
      const out = mkdtempSync(join(tmpdir(), 'pkg-'));
      await run(process.execPath, [
        require.resolve('electron-builder/cli.js'),
        '--linux', 'dir',
        `-c.electronDist=${fakeDist}`,
        '-c.electronVersion=45.4.1',
        `-c.directories.output=${out}`,
      ], { cwd: root, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } });
      const { listPackage } = require('@electron/asar');
      binary = join(out, 'linux-unpacked', 'proxyscope');
      files = (listPackage(join(out, 'linux-unpacked', 'resources', 'app.asar'), { isPack: false }) as string[]).map((f) => f.replaceAll('\\', '/'));
    }, 180_000);

    it('holds the built main process, preload, delivery worker and renderer', () => {
      for (const f of ['/package.json', '/dist/electron/main.js', '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/dist/electron/core/app.js', '/dist/electron/core/runscope/deliveryWorker.js', '/dist/electron/headless/cli.js']) {
        expect(files).toContain(f);
      }
    });

    it('holds the production dependencies and no development ones', () => {
      const modules = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/').slice(2, f.split('/')[2]!.startsWith('@') ? 4 : 3).join('/')));
      for (const dep of ['http-mitm-proxy', 'node-sqlite3-wasm', 'undici', 'ws', 'zod', 'commander', 'node-forge']) expect(modules).toContain(dep);
      for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', 'react', 'vite', '@playwright/test']) expect(modules).not.toContain(dev);
      expect(files.some((f) => f.startsWith('/test/') || f.startsWith('/renderer/src/') || f.endsWith('.map'))).toBe(false);
      // tsc compiles tests, the bench and the preload into dist/ too; none of that is the app.
      expect(files.filter((f) => /^\/dist\/(test|bench)\//.test(f) || f.endsWith('.tsbuildinfo') || f === '/dist/electron/preload.js')).toEqual([]);
    });

    it('flips the fuses in the packaged binary, and only those', async () => {
      const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
      const wire = await getCurrentFuseWire(binary);
      const state = (o: number) => String.fromCharCode(wire[o]);
      expect(state(FuseV1Options.RunAsNode)).toBe('0');
      expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
      expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
      expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
      expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
      expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
      expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe('0');
      expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('1');
    });
  });
});
