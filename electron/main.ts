// Electron shell: the window, IPC to the core, safeStorage. Everything else is
// in electron/core, which also runs headless.
import { app, BrowserWindow, dialog, ipcMain, Notification, safeStorage, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startApp, type App } from './core/app.js';
import { alertNotifier } from './shell/alertNotifications.js';
import { forwardEvents, registerIpc } from './shell/ipcBridge.js';
import { safeStorageSecretStore } from './shell/safeStorageSecretStore.js';
import { allowNavigation, denyAllPermissions, isTrustedSender, mainWindowOptions, RENDERER_CSP } from './shell/windowSecurity.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererFile = join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
let core: App | null = null;

async function createWindow(): Promise<void> {
  const dataDir = app.getPath('userData');
  core = await startApp({ dataDir, host: '127.0.0.1', secretStore: safeStorageSecretStore(safeStorage, dataDir) });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(denyAllPermissions()));
  session.defaultSession.setPermissionCheckHandler(() => denyAllPermissions());
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } }),
  );

  const win = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs')));
  win.webContents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url, rendererUrl)) event.preventDefault();
  });
  // The UI links nowhere: refuse new windows outright rather than hand URLs to the OS.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  registerIpc(ipcMain, core.service, (event) => event.sender === win.webContents && isTrustedSender(event.senderFrame, rendererUrl));
  const stopEvents = forwardEvents(core.service, win.webContents);
  const stopAlerts = Notification.isSupported() ? core.service.subscribe(alertNotifier((n) => new Notification(n).show())) : () => undefined;
  win.on('closed', () => {
    stopEvents();
    stopAlerts();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadFile(rendererFile);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
app
  .whenReady()
  .then(createWindow)
  .catch((err: Error) => {
    // e.g. port 8080 already in use: say so in a dialog rather than vanish.
    dialog.showErrorBox('Proxyscope could not start', err.message);
    app.exit(1);
  });
app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const stopping = core;
  core = null;
  void stopping.stop().finally(() => app.exit(0));
});
