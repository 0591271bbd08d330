// The README's screenshots against what `npm run screenshots` writes: an image
// the README shows that no spec produces would go stale, and so would a file
// in docs/screenshots that nothing produces or shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMES, SHOT_DIR, SHOTS, shotFile } from '../screenshots/shots.js';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const embedded = new Set([...readme.matchAll(/docs\/screenshots\/([\w.-]+\.png)/g)].map((m) => m[1]!));
const produced = new Set(SHOTS.flatMap((name) => SCHEMES.map((scheme) => shotFile(name, scheme))));
const specsDir = join(root, 'test/screenshots');
const snapped = new Set(
  readdirSync(specsDir)
    .filter((f) => f.endsWith('.spec.ts'))
    .flatMap((f) => [...readFileSync(join(specsDir, f), 'utf8').matchAll(/\bsnap\(\s*\w+,\s*'([\w-]+)'/g)].map((m) => m[1]!)),
);
const onDisk = readdirSync(join(root, SHOT_DIR)).filter((f) => f.endsWith('.png'));

describe('README screenshots', () => {
  it('finds the images the README embeds', () => {
    expect(embedded.size).toBeGreaterThan(0);
  });

  it('embeds only images the screenshot specs produce', () => {
    expect([...embedded].filter((f) => !produced.has(f))).toEqual([]);
  });

  it('has a spec that snaps each listed shot', () => {
    expect(SHOTS.filter((name) => !snapped.has(name))).toEqual([]);
  });

  it('shows every shot produced, light and dark', () => {
    expect([...produced].filter((f) => !embedded.has(f))).toEqual([]);
  });

  it('keeps no stale file in docs/screenshots', () => {
    expect(onDisk.filter((f) => !produced.has(f) && !embedded.has(f))).toEqual([]);
  });
});
