// Electron shell: the window, its menu, IPC to the core, safeStorage. Everything
// else is in electron/shell (plain functions) and electron/core (also headless).
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, safeStorage, screen, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startApp, type App } from './core/app.js';
import { alertNotifier } from './shell/alertNotifications.js';
import { appMenuTemplate } from './shell/appMenu.js';
import { forwardEvents, registerIpc } from './shell/ipcBridge.js';
import { safeStorageSecretStore } from './shell/safeStorageSecretStore.js';
import { claimSingleInstance } from './shell/singleInstance.js';
import { allowNavigation, denyAllPermissions, isTrustedSender, mainWindowOptions, RENDERER_CSP } from './shell/windowSecurity.js';
import { fitToDisplays, readWindowState, trackWindowState, type WindowStateTracker } from './shell/windowState.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererFile = join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
let core: App | null = null;
let mainWindow: BrowserWindow | null = null;
let windowState: WindowStateTracker | null = null;
// A second launch hands over to the first (which comes to the front) and quits.
const primaryInstance = claimSingleInstance(app, () => mainWindow);
if (!primaryInstance) app.quit();

async function createWindow(): Promise<void> {
  if (!primaryInstance) return;
  const dataDir = app.getPath('userData');
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, app.isPackaged)));
  core = await startApp({ dataDir, host: '127.0.0.1', secretStore: safeStorageSecretStore(safeStorage, dataDir) });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(denyAllPermissions()));
  session.defaultSession.setPermissionCheckHandler(() => denyAllPermissions());
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } }),
  );

  const stateFile = join(dataDir, 'window-state.json');
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const placement = fitToDisplays(await readWindowState(stateFile), workAreas);
  const win = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs'), placement));
  mainWindow = win;
  windowState = trackWindowState(win, stateFile);
  win.webContents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, rendererUrl)) event.preventDefault();
  });
  // The UI links nowhere: refuse new windows outright rather than hand URLs to the OS.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  registerIpc(ipcMain, core.service, (event) => event.sender === win.webContents && isTrustedSender(event.senderFrame, rendererUrl));
  const stopEvents = forwardEvents(core.service, win.webContents);
  const stopAlerts = Notification.isSupported() ? core.service.subscribe(alertNotifier((n) => new Notification(n).show())) : () => undefined;
  win.on('closed', () => {
    mainWindow = null;
    stopEvents();
    stopAlerts();
  });
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    win.show();
  });
  await win.loadFile(rendererFile);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app
  .whenReady()
  .then(createWindow)
  .catch((err: Error) => {
    // e.g. the data dir unreadable: say so in a dialog rather than vanish.
    dialog.showErrorBox('Proxyscope could not start', err.message);
    app.exit(1);
  });
app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const stopping = core;
  core = null;
  void Promise.allSettled([stopping.stop(), windowState?.flush()]).finally(() => app.exit(0));
});
