import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from '../../electron/shell/appMenu.js';

/** Each top-level menu as its label (or role) and the roles of its items, separators as '-'. */
function outline(template: MenuItemConstructorOptions[]): Record<string, string[]> {
  return Object.fromEntries(
    template.map((m) => [m.label ?? m.role, (m.submenu as MenuItemConstructorOptions[]).map((i) => (i.type === 'separator' ? '-' : i.role!))]),
  );
}

describe('app menu', () => {
  it('Windows and Linux: File quits, Window closes, no app menu', () => {
    for (const platform of ['win32', 'linux'] as const) {
      expect(outline(appMenuTemplate(platform, true))).toEqual({
        File: ['quit'],
        Edit: ['undo', 'redo', '-', 'cut', 'copy', 'paste', 'selectAll'],
        View: ['resetZoom', 'zoomIn', 'zoomOut', '-', 'togglefullscreen'],
        window: ['minimize', 'close'],
      });
    }
  });

  it('macOS: the app menu (about, hide, quit) first, File closes the window, Window zooms', () => {
    const template = appMenuTemplate('darwin', true);
    expect(template[0]!.label).toBe('Proxyscope');
    expect(outline(template)).toEqual({
      Proxyscope: ['about', '-', 'services', '-', 'hide', 'hideOthers', 'unhide', '-', 'quit'],
      File: ['close'],
      Edit: ['undo', 'redo', '-', 'cut', 'copy', 'paste', 'selectAll'],
      View: ['resetZoom', 'zoomIn', 'zoomOut', '-', 'togglefullscreen'],
      window: ['minimize', 'zoom', '-', 'front'],
    });
  });

  it('reload and DevTools only when not packaged', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(outline(appMenuTemplate(platform, false)).View).toEqual(['reload', 'forceReload', 'toggleDevTools', '-', 'resetZoom', 'zoomIn', 'zoomOut', '-', 'togglefullscreen']);
      const packaged = JSON.stringify(appMenuTemplate(platform, true));
      for (const dev of ['reload', 'forceReload', 'toggleDevTools']) expect(packaged).not.toContain(`"${dev}"`);
    }
  });

  it('uses roles only: no click handlers, no custom accelerators', () => {
    const items = appMenuTemplate('darwin', false).flatMap((m) => m.submenu as MenuItemConstructorOptions[]);
    expect(items.every((i) => i.type === 'separator' || (i.role && !i.click && !i.accelerator))).toBe(true);
  });
});
