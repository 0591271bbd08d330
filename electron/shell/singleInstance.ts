// One Proxyscope at a time: a second launch would find the proxy port and the
// data dir taken, so it hands over to the first, which comes to the front.

/** What this needs of Electron's `app`. */
export interface InstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
}

/** What this needs of the main window. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/** Brings the window to the front; before it exists (still starting) there is nothing to do, it shows when ready. */
export function bringToFront(win: FocusableWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.focus();
}

/**
 * Takes the single-instance lock. False: another instance holds it (and has
 * been told), so this one should quit. True: later launches focus `window()`.
 */
export function claimSingleInstance(app: InstanceApp, window: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => bringToFront(window()));
  return true;
}
