// The layering rules (docs/architecture.md), checked rather than remembered:
// electron/core and electron/headless never touch Electron; the renderer imports
// nothing from electron/ but types from the API contract, and nothing from Node;
// the exchange model imports nothing of the features; addons know the model and
// the pipeline, not each other; the proxy knows nothing of forwarding; the
// filter language (electron/core/filter, but its Exchange adapter) is Node-free,
// so the renderer may import it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

/** The file's text without its comments. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = code(file);
  const found: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) {
    found.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ spec: m[1]!, typeOnly: false });
  return found;
}

/** Files of electron/core/filter that may use Node (root-relative, no extension); the rest are Node-free. */
const filterNodeSide = new Set(['electron/core/filter/exchangeTarget']);
const isNodeFreeFilter = (rootRelative: string) => rootRelative.startsWith('electron/core/filter/') && !filterNodeSide.has(rootRelative);

describe('layering', () => {
  it('electron/core and electron/headless never import electron', () => {
    const offenders = [...sources(join(root, 'electron', 'core')), ...sources(join(root, 'electron', 'headless'))].filter((f) =>
      imports(f).some((i) => i.spec === 'electron' || i.spec.startsWith('electron/')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('the renderer imports only types from electron/ (values too from the Node-free filter language), and no Node or Electron module', () => {
    let dir: string;
    try {
      dir = join(root, 'renderer');
      statSync(dir);
    } catch {
      return;
    }
    const offenders: string[] = [];
    for (const f of sources(dir)) {
      for (const i of imports(f)) {
        const fromElectronDir = i.spec.includes('/electron/');
        const target = relative(root, join(f, '..', i.spec)).replace(/\.(js|ts)$/, '');
        const filterLanguage = target === 'electron/core/filter' || isNodeFreeFilter(target);
        if (i.spec.startsWith('node:') || i.spec === 'electron' || (fromElectronDir && !i.typeOnly && !filterLanguage)) offenders.push(`${relative(root, f)}: ${i.spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  const core = join(root, 'electron', 'core');
  /** Core-relative paths a core file imports (relative specifiers only). */
  const coreImports = (file: string) =>
    imports(file)
      .filter((i) => i.spec.startsWith('.'))
      .map((i) => relative(core, join(file, '..', i.spec)).replace(/\.js$/, ''));

  it.each([
    ['flow', ['flow/', 'api']],
    ['pipeline', ['pipeline/', 'flow/', 'api', 'eventBatcher', 'settings/schema']],
    ['proxy', ['proxy/', 'flow/', 'pipeline/addon', 'files/', 'api']],
    ['filter', ['filter/', 'flow/', 'api']],
  ])('electron/core/%s imports only from %j', (dir, allowed) => {
    const offenders = sources(join(core, dir)).flatMap((f) =>
      coreImports(f)
        .filter((p) => !allowed.some((a) => (a.endsWith('/') ? p.startsWith(a) : p === a)))
        .map((p) => `${relative(core, f)} → ${p}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the filter language is Node-free: no Node module or global, from the core only its own Node-free files and types from api', () => {
    const files = sources(join(core, 'filter')).filter((f) => isNodeFreeFilter(relative(root, f).replace(/\.ts$/, '')));
    expect(files.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const f of files) {
      const name = relative(core, f);
      for (const i of imports(f)) {
        if (i.spec.startsWith('node:') || builtinModules.includes(i.spec)) offenders.push(`${name}: ${i.spec}`);
        if (!i.spec.startsWith('.')) continue;
        const target = relative(root, join(f, '..', i.spec)).replace(/\.js$/, '');
        if (!isNodeFreeFilter(target) && !(target === 'electron/core/api' && i.typeOnly)) offenders.push(`${name} → ${target}`);
      }
      const global = /\b(Buffer|process|require|__dirname|__filename|global)\b/.exec(code(f));
      if (global) offenders.push(`${name}: ${global[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('an addon imports no other addon', () => {
    const addons = join(core, 'addons');
    const offenders: string[] = [];
    for (const f of sources(addons)) {
      const own = relative(addons, f).split('/')[0]!.replace(/\.ts$/, '');
      for (const p of coreImports(f)) {
        if (!p.startsWith('addons/')) continue;
        const other = p.split('/')[1]!;
        if (other !== own) offenders.push(`${relative(core, f)} → ${p}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no source file is over 300 lines without saying why in its header', () => {
    const dirs = ['electron', 'renderer/src', 'bench'].map((d) => join(root, d));
    const long = dirs
      .flatMap((d) => sources(d))
      .filter((f) => {
        const lines = readFileSync(f, 'utf8').split('\n');
        return lines.length > 300 && !lines.slice(0, 8).some((l) => /^\/\/.*\blong because\b/i.test(l));
      })
      .map((f) => relative(root, f));
    expect(long).toEqual([]);
  });
});
