// The application menu, as data: only standard roles, so Electron supplies the
// labels, accelerators and behaviour each platform expects.
import type { MenuItemConstructorOptions } from 'electron';

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function appMenuTemplate(platform: NodeJS.Platform, isPackaged: boolean, appName = 'Proxyscope'): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: appName,
      submenu: [{ role: 'about' }, separator, { role: 'services' }, separator, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, { role: 'quit' }],
    });
  }
  // On macOS Quit lives in the app menu; File only closes the window there.
  template.push({ label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] });
  template.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  // Reload and DevTools are for development: in a packaged app an accidental
  // Ctrl+R would only lose the view's state, and DevTools opens a console with
  // the renderer's privileges to whoever is at the keyboard.
  const devItems: MenuItemConstructorOptions[] = isPackaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  template.push({
    label: 'View',
    submenu: [...devItems, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
  });
  template.push({
    role: 'window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });
  return template;
}
