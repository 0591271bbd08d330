// getProxySettings / saveProxySettings: where the proxy listens, and moving it
// to another port while the app runs (saved for the next start).
import type { CommandHandlers, ProxySettingsView } from './api.js';
import type { ProxyListener } from './proxy/proxyListener.js';
import { portSchema, type ProxyPortStorage } from './settings/proxyPort.js';

export interface ProxyDeps {
  listener: ProxyListener;
  host: string;
  storage: ProxyPortStorage;
  savedPort: number;
  /** The port came from --port for this run. */
  portFlag: boolean;
  statusChanged(): void;
}

export function proxyCommands(d: ProxyDeps): Pick<CommandHandlers, 'getProxySettings' | 'saveProxySettings'> {
  let savedPort = d.savedPort;
  let fromFlag: string | null = d.portFlag ? '--port' : null;
  const view = (): ProxySettingsView => {
    const proxy = d.listener.current();
    return { url: proxy.url, host: d.host, port: proxy.port, savedPort, fromFlag, note: d.listener.note() };
  };
  return {
    getProxySettings: view,
    saveProxySettings: async ({ port }) => {
      const parsed = portSchema.safeParse(port);
      if (!parsed.success) return { ok: false, errors: { port: parsed.error.issues[0]?.message ?? 'port is invalid' } };
      const moved = await d.listener.moveTo(parsed.data);
      if (!moved.ok) return { ok: false, errors: { port: moved.error } };
      fromFlag = null;
      d.statusChanged();
      const address = moved.url.replace(/^http:\/\//, '');
      try {
        await d.storage.save(parsed.data);
        savedPort = parsed.data;
      } catch (err) {
        return { ok: true, view: view(), notice: `Proxy now listening on ${address}; not saved for the next start: ${(err as Error).message}` };
      }
      return { ok: true, view: view(), notice: `Proxy now listening on ${address}` };
    },
  };
}
