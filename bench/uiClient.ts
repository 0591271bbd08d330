// The web UI's command API as the renderer reaches it (renderer/src/transport.ts):
// a WebSocket to /api with the per-run token, `{id, command, arg}` out,
// `{id, ok, result | error}` back; event batches (`{events}`) are ignored.
import WebSocket from 'ws';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class UiClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; ok?: boolean; result?: unknown; error?: string; events?: unknown };
      if (msg.events || msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'command failed'));
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('UI socket closed'));
      }
      this.pending.clear();
    });
  }

  /** `uiUrl`: the `ui` URL of the ready line (http://host:port/?token=…). */
  static connect(uiUrl: string, timeoutMs = 10_000): Promise<UiClient> {
    const u = new URL(uiUrl);
    const ws = new WebSocket(`ws://${u.host}/api?token=${encodeURIComponent(u.searchParams.get('token') ?? '')}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`UI socket did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new UiClient(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  invoke<T>(command: string, arg?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${command}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ id, command, arg }));
    });
  }

  /** The round trip of one command, in ms, with its result. */
  async timed<T>(command: string, arg?: unknown): Promise<{ ms: number; result: T }> {
    const t0 = performance.now();
    const result = await this.invoke<T>(command, arg);
    return { ms: performance.now() - t0, result };
  }

  close(): void {
    this.ws.close();
  }
}
