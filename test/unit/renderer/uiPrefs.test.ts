import { describe, expect, it } from 'vitest';
import { formatRelative } from '../../../renderer/src/components/format.js';
import { columnById } from '../../../renderer/src/grid/columns.js';
import { applyTheme, DEFAULT_UI, nextTheme, readUiPrefs, UI_PREFS_KEY } from '../../../renderer/src/stores/uiPrefs.js';
import { summary } from './rows.js';

const memory = (value: string | null) => ({ getItem: (k: string) => (k === UI_PREFS_KEY ? value : null), setItem: () => undefined });

describe('layout and theme preferences', () => {
  it('read back what was kept; anything else gives the default for that field', () => {
    expect(readUiPrefs(memory(JSON.stringify({ theme: 'dark', split: 'side' })))).toEqual({ theme: 'dark', split: 'side' });
    expect(readUiPrefs(memory(JSON.stringify({ theme: 'purple', split: 'side' })))).toEqual({ theme: 'system', split: 'side' });
    expect(readUiPrefs(memory('{broken'))).toEqual(DEFAULT_UI);
    expect(readUiPrefs(memory(null))).toEqual(DEFAULT_UI);
    expect(readUiPrefs(undefined)).toEqual(DEFAULT_UI);
  });

  it('the toggle goes system → light → dark → system; system leaves the OS to decide', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    applyTheme('dark', root);
    expect(root.dataset.theme).toBe('dark');
    applyTheme('system', root);
    expect(root.dataset.theme).toBeUndefined();
  });
});

describe('grid cells', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5);
  it('start times read relative to now', () => {
    expect([0, 4_000, 12_000, 5 * 60_000, 3 * 3_600_000].map((ago) => formatRelative(at - ago, at))).toEqual(['just now', 'just now', '12 s ago', '5 min ago', '3 h ago']);
    expect(formatRelative(at - 3 * 86_400_000, at)).toMatch(/^\d{4}-\d\d-\d\d$/);
    // A row stamped after the clock last ticked is not "in the future".
    expect(formatRelative(at + 2_000, at)).toBe('just now');
  });

  it('method and status badges carry their value as text and a class by kind', () => {
    const method = columnById('method');
    const status = columnById('status');
    const row = (m: string, s: number | null) => summary('x', { method: m, status: s });
    expect(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => method.badge!(row(m, 200)))).toEqual(['b-get', 'b-post', 'b-put', 'b-delete', 'b-other']);
    expect([200, 304, 404, 503, null].map((s) => status.badge!(row('GET', s)))).toEqual(['b-2xx', 'b-3xx', 'b-4xx', 'b-5xx', 'b-none']);
    expect(status.text(row('GET', 404), 0)).toBe('404');
    expect(columnById('startedAt').hover!(summary('x', { startedAt: at }))).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  });
});
