// HTTP/1.1 over real sockets without Node's http module, for tests that check
// what goes over the wire: exact bytes out, header blocks read back as they came
// (case, order, repeats). Framing: Content-Length, chunked, or (responses) close.
import net from 'node:net';
import tls from 'node:tls';

export type HeaderList = Array<[string, string]>;

export interface RawMessage {
  startLine: string;
  headers: HeaderList;
  /** The body with chunked framing removed. */
  body: Buffer;
}

const header = (headers: HeaderList, name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];

/** Reads successive messages from one socket, keeping bytes that arrive early for the next one. */
export class MessageReader {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake?.();
  };

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onEnd);
  }

  /** Stops reading, e.g. before the socket carries TLS. */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onEnd);
  }

  private async until<T>(parse: () => T | undefined): Promise<T> {
    for (;;) {
      const got = parse();
      if (got !== undefined) return got;
      if (this.ended) throw new Error(`connection ended inside a message: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** `noBody`: a response to HEAD or a 2xx to CONNECT. */
  async next(kind: 'request' | 'response', noBody = false): Promise<RawMessage> {
    const headEnd = await this.until(() => {
      const at = this.buffer.indexOf('\r\n\r\n');
      return at >= 0 ? at : undefined;
    });
    const lines = this.take(headEnd + 4).toString('latin1').slice(0, -4).split('\r\n');
    const startLine = lines.shift()!;
    const headers: HeaderList = lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    const status = kind === 'response' ? Number(startLine.split(' ')[1]) : 0;
    if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) return { startLine, headers, body: Buffer.alloc(0) };
    if (/(^|,)\s*chunked\s*$/i.test(header(headers, 'transfer-encoding') ?? '')) return { startLine, headers, body: await this.chunked() };
    const length = header(headers, 'content-length');
    if (length !== undefined) {
      const n = Number(length);
      await this.until(() => (this.buffer.length >= n ? true : undefined));
      return { startLine, headers, body: Buffer.from(this.take(n)) };
    }
    if (kind === 'request') return { startLine, headers, body: Buffer.alloc(0) };
    await this.until(() => (this.ended ? true : undefined));
    return { startLine, headers, body: Buffer.from(this.take(this.buffer.length)) };
  }

  private async chunked(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = await this.until(() => {
        const at = this.buffer.indexOf('\r\n');
        return at >= 0 ? at : undefined;
      });
      const size = parseInt(this.take(lineEnd + 2).toString('latin1'), 16);
      if (size === 0) {
        // Trailer section: lines up to an empty one.
        for (;;) {
          const end = await this.until(() => {
            const at = this.buffer.indexOf('\r\n');
            return at >= 0 ? at : undefined;
          });
          if (this.take(end + 2).length === 2) return Buffer.concat(parts);
        }
      }
      await this.until(() => (this.buffer.length >= size + 2 ? true : undefined));
      parts.push(Buffer.from(this.take(size)));
      this.take(2);
    }
  }
}

/** Serialises a message head exactly as given. */
export function rawHead(startLine: string, headers: HeaderList): string {
  return [startLine, ...headers.map(([n, v]) => `${n}: ${v}`), '', ''].join('\r\n');
}

export interface RawUpstream {
  port: number;
  /** Every request received, in order. */
  received: RawMessage[];
  close(): Promise<void>;
}

/** A server that answers each request (keep-alive, one at a time) with the exact bytes `reply` returns. */
export async function startRawUpstream(reply: (req: RawMessage) => string | Buffer, tlsOptions?: tls.TlsOptions): Promise<RawUpstream> {
  const received: RawMessage[] = [];
  const sockets = new Set<net.Socket>();
  const serve = async (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const reader = new MessageReader(socket);
    try {
      for (;;) {
        const req = await reader.next('request');
        received.push(req);
        socket.write(reply(req));
      }
    } catch {
      socket.destroy(); // the peer closed the connection
    }
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, (s) => void serve(s)) : net.createServer((s) => void serve(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface RawTarget {
  /** For https: CONNECT to `host:port`, then TLS trusting `ca` with SNI `host`. */
  tls?: { host: string; port: number; ca: string };
  /** The request is to HEAD: its response has no body. */
  head?: boolean;
  /** Idle time after which the client gives up; default 10 s. */
  idleMs?: number;
}

/** Sends `request` (exact bytes) through the proxy on 127.0.0.1:`proxyPort` and reads the response as it arrives. */
export async function rawViaProxy(proxyPort: number, request: string | Buffer, target: RawTarget = {}): Promise<RawMessage> {
  const plain = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(proxyPort, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  plain.setTimeout(target.idleMs ?? 10_000, () => plain.destroy());
  let socket: net.Socket = plain;
  try {
    if (target.tls) {
      const { host, port, ca } = target.tls;
      const tunnel = new MessageReader(plain);
      plain.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
      const answer = await tunnel.next('response', true);
      tunnel.detach();
      if (!/^HTTP\/1\.1 200/.test(answer.startLine)) throw new Error(`CONNECT: ${answer.startLine}`);
      socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ socket: plain, servername: host, ca }, () => resolve(s));
        s.once('error', reject);
      });
    }
    const reader = new MessageReader(socket);
    socket.write(request);
    return await reader.next('response', target.head);
  } finally {
    socket.destroy();
    plain.destroy();
  }
}
