// The proxy as the app holds it: started on its port (or, for a saved port that
// is busy, the next free one), and moved to another port while the app runs. A
// move starts the new listener first, so a port that cannot be had leaves the
// old one as it was; then the old one closes (its open connections get the
// usual 2 s) and so do the ways in Open browser made for it.
import { freePortFrom, portProblem } from './listenerPort.js';
import { startProxy, type ProxyOptions, type RunningProxy } from './proxy.js';

export interface ListenAt {
  port: number;
  /** Given by the user for this run (--port): a busy port fails the start rather than give way. */
  explicit: boolean;
  /** Ports the fallback must not take (the web UI's, the collector's: they start after the proxy). */
  skip: readonly number[];
}

export type MoveResult = { ok: true; url: string } | { ok: false; error: string };

export interface ProxyListener {
  current(): RunningProxy;
  /** "Port 8080 was busy; using 8081" after such a start, until the port is changed. */
  note(): string | null;
  moveTo(port: number): Promise<MoveResult>;
  setMaxBodyBytes(bytes: number): void;
  close(): Promise<void>;
}

export async function startListener(opts: Omit<ProxyOptions, 'port'>, at: ListenAt): Promise<ProxyListener> {
  const options: ProxyOptions = { ...opts, port: at.port };
  let note: string | null = null;
  if (!at.explicit) {
    const free = await freePortFrom(opts.host, at.port, at.skip);
    options.port = free.port;
    note = free.note;
    if (note) opts.log?.(note);
  }
  let proxy = await startProxy(options);
  let closing: Promise<void> = Promise.resolve();
  let moving: Promise<unknown> = Promise.resolve();
  const hostPort = (port: number) => `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;

  const move = async (port: number): Promise<MoveResult> => {
    if (port === proxy.port) return { ok: true, url: proxy.url };
    const problem = await portProblem(opts.host, port);
    if (problem) return { ok: false, error: `port ${port} is ${problem} on ${opts.host}; the proxy stays on ${hostPort(proxy.port)}` };
    let next: RunningProxy;
    try {
      next = await startProxy({ ...options, port });
    } catch (err) {
      return { ok: false, error: `port ${port}: ${(err as Error).message}; the proxy stays on ${hostPort(proxy.port)}` };
    }
    const old = proxy;
    proxy = next;
    options.port = port;
    note = null;
    closing = Promise.all([closing, old.close()]).then(() => undefined);
    return { ok: true, url: next.url };
  };

  return {
    current: () => proxy,
    note: () => note,
    moveTo(port) {
      // One move at a time: a second waits for the first to settle.
      const result = moving.then(() => move(port));
      moving = result.catch(() => undefined);
      return result;
    },
    setMaxBodyBytes(bytes) {
      options.maxBodyBytes = bytes;
      proxy.setMaxBodyBytes(bytes);
    },
    async close() {
      await moving;
      await Promise.all([closing, proxy.close()]);
    },
  };
}
