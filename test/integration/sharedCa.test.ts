// One CA for several data dirs (--ca-dir, PROXYSCOPE_CA_DIR): made once, even when several
// processes start on an empty CA dir at the same moment, and trusted by clients of all of them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../electron/core/proxy/ca.js';
import { runCli, startHeadless } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
let upstream: Upstream;
let upstreamCaFile: string;

beforeAll(async () => {
  upstream = await startUpstream();
  upstreamCaFile = join(tmp('upstream-ca-'), 'ca.pem');
  writeFileSync(upstreamCaFile, upstream.caPem);
});
afterAll(async () => {
  await upstream?.close();
});

/** Creates the CA in `caDir` from a separate Node process; resolves with what it printed. */
function createInChild(caDir: string): Promise<string> {
  const code = `import(${JSON.stringify(join(process.cwd(), 'dist/electron/core/proxy/ca.js'))}).then(async (m) => {
    const ca = await m.loadOrCreateCa(${JSON.stringify(caDir)});
    process.stdout.write(JSON.stringify({ cert: ca.certPem, leaf: ca.leafKeyPem }));
  });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (exitCode) => (exitCode === 0 ? resolve(out) : reject(new Error(`child exited ${exitCode}`))));
  });
}

describe('a CA dir shared by data dirs', () => {
  it('is made once when apps in one process start on it together', async () => {
    const caDir = join(tmp('shared-ca-'), 'ca');
    const cas = await Promise.all([1, 2, 3].map(() => loadOrCreateCa(caDir)));
    expect(new Set(cas.map((c) => c.certPem)).size).toBe(1);
    expect(new Set(cas.map((c) => c.leafKeyPem)).size).toBe(1);
    expect(readFileSync(join(caDir, 'certs', 'ca.pem'), 'utf8')).toBe(cas[0]!.certPem);
    expect(statSync(join(caDir, 'keys', 'ca.private.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(caDir, 'keys', 'leaf.private.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(caDir, 'keys', 'create.lock'))).toBe(false);
  });

  it('is made once when processes start on it together', async () => {
    const caDir = join(tmp('shared-ca-'), 'ca');
    const outs = await Promise.all([1, 2, 3].map(() => createInChild(caDir)));
    expect(new Set(outs).size).toBe(1);
    expect(JSON.parse(outs[0]!).cert).toBe(readFileSync(join(caDir, 'certs', 'ca.pem'), 'utf8'));
  });

  it('takes over a lock left by a process that died', async () => {
    const caDir = join(tmp('shared-ca-'), 'ca');
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.on('exit', resolve));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(caDir, 'keys'), { recursive: true });
    writeFileSync(join(caDir, 'keys', 'create.lock'), String(deadPid));
    const ca = await loadOrCreateCa(caDir);
    expect(ca.certPem).toContain('BEGIN CERTIFICATE');
    expect(existsSync(join(caDir, 'keys', 'create.lock'))).toBe(false);
  });

  it('--ca-dir: two instances on two data dirs issue certificates from the one CA', async () => {
    const caDir = join(tmp('shared-ca-'), 'ca');
    const dataDirs = [tmp('ca-user-a-'), tmp('ca-user-b-')];
    const env = { NODE_EXTRA_CA_CERTS: upstreamCaFile, PROXYSCOPE_CA_DIR: '' };
    const [a, b] = await Promise.all(dataDirs.map((d) => startHeadless(['--port', '0', '--no-ui', '--data-dir', d, '--ca-dir', caDir], env)));
    try {
      const caFile = join(caDir, 'certs', 'ca.pem');
      expect([a!.ready.ca, b!.ready.ca]).toEqual([caFile, caFile]);
      const ca = readFileSync(caFile, 'utf8');
      for (const p of [a!, b!]) expect((await viaProxy(String(p.ready.proxy), `${upstream.httpsUrl}/json`, { ca })).status).toBe(200);
      for (const d of dataDirs) expect(existsSync(join(d, 'ca'))).toBe(false);
    } finally {
      await Promise.all([a!.exit(), b!.exit()]);
    }
  });

  it('PROXYSCOPE_CA_DIR does the same without the flag; --ca-dir with no folder is a usage error', async () => {
    const caDir = join(tmp('shared-ca-'), 'ca');
    const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp('ca-env-')], { PROXYSCOPE_CA_DIR: caDir });
    expect(p.ready.ca).toBe(join(caDir, 'certs', 'ca.pem'));
    expect(await p.exit()).toBe(0);
    const bad = await runCli(['--headless', '--port', '0', '--no-ui', '--data-dir', tmp('ca-bad-'), '--ca-dir', '']).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ca-dir needs a folder');
  });
});
