// globalSetup (vitest and Playwright): one CA for every app the tests start, through
// PROXYSCOPE_CA_DIR, instead of two RSA keys made for each fresh data dir. Tests of
// how a CA is made pass their own caDir, or clear the variable for their child.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'proxyscope-test-ca-'));
  const caDir = join(dir, 'ca');
  // The compiled core: Playwright's loader does not take our .js-suffixed TypeScript imports.
  const { loadOrCreateCa } = (await import(pathToFileURL(join(process.cwd(), 'dist/electron/core/proxy/ca.js')).href)) as typeof import('../../electron/core/proxy/ca.js');
  await loadOrCreateCa(caDir);
  process.env.PROXYSCOPE_CA_DIR = caDir;
  return () => rmSync(dir, { recursive: true, force: true });
}
