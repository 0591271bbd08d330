// How the renderer reaches the core: Electron's preload bridge when present,
// else a WebSocket to the headless UI server. Nothing here imports Node or Electron.
import type { CommandArg, CommandName, CommandResult, CoreEvent } from '../../electron/core/api';

export interface Transport {
  kind: 'electron' | 'websocket';
  invoke<K extends CommandName>(command: K, arg?: CommandArg<K>): Promise<Awaited<CommandResult<K>>>;
  onEvents(listener: (events: CoreEvent[]) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** What electron/preload.ts exposes as window.proxyscope. */
export interface PreloadBridge {
  invoke(command: string, arg?: unknown): Promise<unknown>;
  onEvents(listener: (events: CoreEvent[]) => void): () => void;
}

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    invoke: (command, arg) => bridge.invoke(command, arg) as never,
    onEvents: (listener) => bridge.onEvents(listener),
    onConnection: (listener) => {
      listener(true);
      return () => undefined;
    },
  };
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export function webSocketTransport(url: string, WebSocketImpl: typeof WebSocket = WebSocket): Transport {
  const listeners = new Set<(events: CoreEvent[]) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket;
  let open: Promise<void>;
  let connected = false;

  const connect = () => {
    socket = new WebSocketImpl(url);
    open = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => {
        connected = true;
        connectionListeners.forEach((l) => l(true));
        resolve();
      });
      socket.addEventListener('error', () => reject(new Error('cannot reach the Proxyscope core')));
    });
    open.catch(() => undefined);
    socket.addEventListener('message', (e) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; ok?: boolean; result?: unknown; error?: string; events?: CoreEvent[] };
      if (msg.events) return listeners.forEach((l) => l(msg.events!));
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'request failed'));
    });
    socket.addEventListener('close', () => {
      if (connected) connectionListeners.forEach((l) => l(false));
      connected = false;
      for (const p of pending.values()) p.reject(new Error('connection to the core closed'));
      pending.clear();
      setTimeout(connect, 1000);
    });
  };
  connect();

  return {
    kind: 'websocket',
    invoke: (async (command: CommandName, arg?: unknown) => {
      await open;
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, command, arg }));
      });
    }) as Transport['invoke'],
    onEvents(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      if (connected) listener(true);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** Picks the transport at start-up: the Electron bridge if the preload exposed it, else the WebSocket. */
export function pickTransport(win: { proxyscope?: PreloadBridge; location: { protocol: string; host: string; search: string } }, WebSocketImpl?: typeof WebSocket): Transport {
  if (win.proxyscope) return electronTransport(win.proxyscope);
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketTransport(`${scheme}://${win.location.host}/api?token=${encodeURIComponent(token)}`, WebSocketImpl);
}
