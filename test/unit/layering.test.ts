// The layering rule from DESIGN.md, checked rather than remembered:
// electron/core and electron/headless never touch Electron; the renderer imports
// nothing from electron/ but types from the API contract, and nothing from Node.
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) {
    found.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1]!, typeOnly: false });
  return found;
}

describe('layering', () => {
  it('electron/core and electron/headless never import electron', () => {
    const offenders = [...sources(join(root, 'electron', 'core')), ...sources(join(root, 'electron', 'headless'))].filter((f) =>
      imports(f).some((i) => i.spec === 'electron' || i.spec.startsWith('electron/')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('the renderer imports only types from electron/, and no Node or Electron module', () => {
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
        if (i.spec.startsWith('node:') || i.spec === 'electron' || (fromElectronDir && !i.typeOnly)) offenders.push(`${relative(root, f)}: ${i.spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
