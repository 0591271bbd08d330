// The screenshots the README and docs/ show against what `npm run screenshots`
// writes: an image they show that no spec produces would go stale, and so would
// a file in docs/screenshots that nothing produces or shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMES, SHOT_DIR, SHOTS, shotFile } from '../screenshots/shots.js';

const root = join(import.meta.dirname, '../..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = pages.map((p) => readFileSync(join(root, p), 'utf8')).join('\n');
// The README links docs/screenshots/X.png, a page in docs/ screenshots/X.png.
const embedded = new Set([...text.matchAll(/(?:docs\/)?screenshots\/([\w.-]+\.png)/g)].map((m) => m[1]!));
const readmeShows = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/docs\/screenshots\//g)].length;
const produced = new Set(SHOTS.flatMap((name) => SCHEMES.map((scheme) => shotFile(name, scheme))));
const specsDir = join(root, 'test/screenshots');
const snapped = new Set(
  readdirSync(specsDir)
    .filter((f) => f.endsWith('.spec.ts'))
    .flatMap((f) => [...readFileSync(join(specsDir, f), 'utf8').matchAll(/\bsnap\(\s*\w+,\s*'([\w-]+)'/g)].map((m) => m[1]!)),
);
const onDisk = readdirSync(join(root, SHOT_DIR)).filter((f) => f.endsWith('.png'));

describe('screenshots in the README and docs/', () => {
  it('finds the images the README embeds', () => {
    expect(readmeShows).toBeGreaterThan(0);
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
