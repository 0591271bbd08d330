// The Electron shell cannot run here (no Electron binary), so its security
// settings are checked as data and its adapters with the real core.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import { registerIpc } from '../../electron/shell/ipcBridge.js';
import { safeStorageSecretStore } from '../../electron/shell/safeStorageSecretStore.js';
import { allowNavigation, denyAllPermissions, isTrustedSender, mainWindowOptions, RENDERER_CSP } from '../../electron/shell/windowSecurity.js';

const root = join(import.meta.dirname, '..', '..');
const rendererUrl = 'file:///opt/Proxyscope/resources/app.asar/dist/renderer/index.html';

describe('BrowserWindow options', () => {
  const prefs = mainWindowOptions('/x/preload.cjs').webPreferences!;
  it('isolates and sandboxes the renderer', () => {
    expect(prefs).toMatchObject({ contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, sandbox: true, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(prefs.preload).toBe('/x/preload.cjs');
  });

  it('has a strict CSP, in the header and in the page', () => {
    const meta = readFileSync(join(root, 'renderer', 'index.html'), 'utf8').match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];
    for (const csp of [RENDERER_CSP, meta!]) {
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    }
    // The page's copy is the same policy less frame-ancestors, which a <meta> policy cannot set.
    expect(meta).toBe(RENDERER_CSP.replace("; frame-ancestors 'none'", ''));
  });

  it('trusts only the main frame of the bundled page', () => {
    expect(isTrustedSender({ url: rendererUrl, parent: null }, rendererUrl)).toBe(true);
    expect(isTrustedSender({ url: rendererUrl, parent: {} }, rendererUrl)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, rendererUrl)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/other.html', parent: null }, rendererUrl)).toBe(false);
    expect(isTrustedSender(null, rendererUrl)).toBe(false);
  });

  it('blocks navigation away from the bundle and refuses every permission', () => {
    expect(allowNavigation('https://evil.example/', rendererUrl)).toBe(false);
    expect(allowNavigation('file:///etc/passwd', rendererUrl)).toBe(false);
    expect(allowNavigation(rendererUrl, rendererUrl)).toBe(true);
    expect(denyAllPermissions()).toBe(false);
  });

  it('main.ts wires all of it: permission handlers, navigation and window.open blocked, no remote content', () => {
    const main = readFileSync(join(root, 'electron', 'main.ts'), 'utf8');
    expect(main).toContain('new BrowserWindow(mainWindowOptions(');
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('setPermissionCheckHandler');
    expect(main).toContain("'will-navigate'");
    expect(main).toMatch(/setWindowOpenHandler\([\s\S]*action: 'deny'/);
    expect(main).toContain("'will-attach-webview'");
    expect(main).toContain('loadFile(rendererFile)');
    expect(main).not.toContain('loadURL');
    expect(main).not.toContain('openExternal');
    expect(main).toContain('isTrustedSender(event.senderFrame');
  });

  it('main.ts wires the desktop shell: menu, one instance, remembered window, alert notifications', () => {
    const main = readFileSync(join(root, 'electron', 'main.ts'), 'utf8');
    expect(main).toContain('Menu.buildFromTemplate(appMenuTemplate(process.platform, app.isPackaged))');
    expect(main).toMatch(/claimSingleInstance\(app,[\s\S]*if \(!primaryInstance\) app\.quit\(\)/);
    expect(main).toContain('fitToDisplays(await readWindowState(stateFile)');
    expect(main).toContain('trackWindowState(win, stateFile)');
    expect(main).toContain('windowState?.flush()');
    expect(main).toContain('core.service.subscribe(alertNotifier(');
    expect(main.split('\n').length).toBeLessThanOrEqual(100);
  });

  it('places the window where it was remembered, with a minimum size', () => {
    expect(mainWindowOptions('/x/preload.cjs')).toMatchObject({ width: 1280, height: 860, minWidth: 480, minHeight: 320 });
    expect(mainWindowOptions('/x/preload.cjs')).not.toHaveProperty('x');
    expect(mainWindowOptions('/x/preload.cjs', { x: 10, y: 20, width: 900, height: 700 })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
  });
});

describe('IPC bridge with the real core', () => {
  let app: App;
  let handler: (event: IpcMainInvokeEvent, request: unknown) => Promise<unknown>;
  beforeAll(async () => {
    app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'ipc-')), port: 0, host: '127.0.0.1' });
    registerIpc({ handle: (_channel: string, fn: unknown) => void (handler = fn as typeof handler) } as never, app.service, (e) => (e as unknown as { trusted: boolean }).trusted);
  });
  afterAll(async () => app?.stop());
  const event = (trusted: boolean) => ({ trusted }) as unknown as IpcMainInvokeEvent;

  it('refuses untrusted senders', async () => {
    await expect(handler(event(false), { command: 'getStatus' })).rejects.toThrow('untrusted sender');
  });
  it('validates every payload', async () => {
    await expect(handler(event(true), { command: 'rm -rf' })).rejects.toThrow(/unknown command/);
    await expect(handler(event(true), { command: 'getExchange', arg: { id: 5 } })).rejects.toThrow(/getExchange: id/);
    expect(await handler(event(true), { command: 'saveSettings', arg: { timeout: -1 } })).toMatchObject({ ok: false, errors: { timeout: expect.stringMatching(/^timeout/) } });
  });
  it('answers valid commands', async () => {
    expect(await handler(event(true), { command: 'getStatus' })).toMatchObject({ proxy: app.proxyUrl });
  });
});

describe('safeStorage secret store', () => {
  const fakeSafeStorage = {
    isEncryptionAvailable: () => true,
    encryptString: (s: string) => Buffer.from(Buffer.from(s.split('').reverse().join(''), 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8').split('').reverse().join(''),
  };
  it('stores the token encrypted, 0600, and never as plain text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'safe-'));
    const store = safeStorageSecretStore(fakeSafeStorage, dir);
    await store.save('my-secret-token');
    const file = join(dir, 'access-token.enc');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).toString('latin1')).not.toContain('my-secret-token');
    expect(await store.load()).toBe('my-secret-token');
  });
  it('falls back to a 0600 file where encryption is unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'safe-'));
    const store = safeStorageSecretStore({ ...fakeSafeStorage, isEncryptionAvailable: () => false }, dir);
    await store.save('tok');
    expect(statSync(join(dir, 'access-token')).mode & 0o777).toBe(0o600);
  });
});

describe('alert notifications', () => {
  it('one desktop notification per alert the UI would toast: the rule, the request and its outcome', async () => {
    const { alertNotifier } = await import('../../electron/shell/alertNotifications.js');
    const shown: Array<{ title: string; body: string }> = [];
    const listen = alertNotifier((n) => shown.push(n));
    listen([
      { type: 'status', status: {} as never },
      { type: 'alerts', alerts: [
        { rule: '5xx', id: 'a', method: 'GET', url: 'https://api.test/x', status: 503, suppressed: 0, at: 1 },
        { rule: 'broken', id: 'b', method: 'POST', url: 'https://api.test/y', status: null, suppressed: 4, at: 2 },
      ] },
    ]);
    expect(shown).toEqual([
      { title: 'Proxyscope: 5xx', body: 'GET https://api.test/x → 503' },
      { title: 'Proxyscope: broken', body: 'POST https://api.test/y → failed (and 4 more since the last alert)' },
    ]);
  });
});
