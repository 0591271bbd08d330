// Security settings of the desktop window, as plain data so a test can inspect
// them without an Electron runtime (none can run here).
import type { BrowserWindowConstructorOptions } from 'electron';
import { DEFAULT_SIZE, MIN_SIZE, type WindowState } from './windowState.js';

export { RENDERER_CSP } from '../core/rendererCsp.js';

/** `placement`: the remembered size and position (see windowState.ts). */
export function mainWindowOptions(preloadPath: string, placement: Omit<WindowState, 'maximized'> = DEFAULT_SIZE): BrowserWindowConstructorOptions {
  const { x, y, width, height } = placement;
  return {
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    width,
    height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Proxyscope',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Only our own page, loaded from the app bundle, in its main frame, may call the core. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const given = new URL(frame.url);
    const ours = new URL(rendererUrl);
    return given.protocol === 'file:' && given.pathname === ours.pathname;
  } catch {
    return false;
  }
}

/** Every permission request (camera, notifications, geolocation, …) is refused. */
export function denyAllPermissions(): false {
  return false;
}

/** The window never navigates away from the bundled page or opens new windows. */
export function allowNavigation(targetUrl: string, rendererUrl: string): boolean {
  try {
    return new URL(targetUrl).pathname === new URL(rendererUrl).pathname && targetUrl.startsWith('file:');
  } catch {
    return false;
  }
}
