// Every relative link in the README and docs/ leads somewhere: the file
// exists and, when the link names a heading (#anchor), the page has that
// heading, as GitHub spells anchors. Pages move between the README and docs/
// often enough that a dead link would otherwise go unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = anchorOf(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function linksOf(text: string): string[] {
  const outsideCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...outsideCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
}

describe('links in the README and docs/', () => {
  it('spells anchors as GitHub does', () => {
    expect(anchorOf('Proxyscope as a collector, and for coding agents')).toBe('proxyscope-as-a-collector-and-for-coding-agents');
    expect(anchorOf('`proxyscope query`, `export-har` and `forward`')).toBe('proxyscope-query-export-har-and-forward');
    expect(anchorOf('Layout, theme and keyboard')).toBe('layout-theme-and-keyboard');
  });

  it.each(pages)('%s: every relative link and anchor exists', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    const dead: string[] = [];
    for (const link of linksOf(text)) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? page : normalize(join(dirname(page), path));
      if (!existsSync(join(root, target))) {
        dead.push(`${link} (no ${relative('.', target)})`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(join(root, target), 'utf8')).has(anchor)) dead.push(`${link} (no heading #${anchor})`);
    }
    expect(dead).toEqual([]);
  });
});
