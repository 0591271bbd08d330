// Serves the built renderer to a browser on loopback and carries the API
// contract over a WebSocket. Every request needs the per-run token, and a Host
// (and Origin, when sent) naming the address we serve: DNS-rebinding and
// cross-site pages are refused. No CORS headers at all.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CoreService } from '../core/api.js';
import { parseCommand } from '../core/apiSchemas.js';
import { RENDERER_CSP } from '../core/rendererCsp.js';

export interface UiServerOptions {
  service: CoreService;
  host: string;
  port: number;
  staticDir: string;
}

export interface UiServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'content-security-policy': RENDERER_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Drop a browser that cannot keep up rather than buffer without bound. */
const MAX_BUFFERED = 32 * 1024 * 1024;
const COOKIE = 'proxyscope_ui';

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return null;
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = randomBytes(24).toString('base64url');
  const root = normalize(opts.staticDir);
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  /** null when the request may proceed; else the status to refuse it with. */
  const refusal = (req: http.IncomingMessage, url: URL): 401 | 403 | null => {
    if (!allowedHosts.has(req.headers.host ?? '')) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return 403;
    const given = url.searchParams.get('token') ?? cookieToken(req);
    return sameToken(given, token) ? null : 401;
  };

  const refuse = (res: http.ServerResponse, status: 401 | 403 | 404 | 405) => {
    const text = { 401: 'Proxyscope UI: a valid token is required (use the URL printed at start-up)', 403: 'Proxyscope UI: forbidden host or origin', 404: 'not found', 405: 'method not allowed' }[status];
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const refused = refusal(req, url);
    if (refused) return refuse(res, refused);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return refuse(res, 404);
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' };
    // The page itself carried the token in its URL; its assets and the socket may use the cookie.
    if (url.searchParams.has('token')) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const refused = url.pathname === '/api' ? refusal(req, url) : 404;
    if (refused) {
      socket.end(`HTTP/1.1 ${refused} ${refused === 401 ? 'Unauthorized' : refused === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  const serve = (ws: WebSocket) => {
    const unsubscribe = opts.service.subscribe((events) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) return ws.terminate();
      ws.send(JSON.stringify({ events }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', async (data) => {
      let msg: { id?: unknown; command?: unknown; arg?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return ws.send(JSON.stringify({ id: null, ok: false, error: 'message is not JSON' }));
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      const parsed = parseCommand(msg.command, msg.arg);
      if (!parsed.ok) return ws.send(JSON.stringify({ id, ok: false, error: parsed.error }));
      try {
        const handler = opts.service.handlers[parsed.name] as (arg: unknown) => unknown;
        const result = await handler(parsed.arg);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ok: true, result }));
      } catch (err) {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ok: false, error: (err as Error).message }));
      }
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `--ui-port ${opts.port} is already in use` : err.message)),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const names = new Set([hostForUrl, '127.0.0.1', 'localhost']);
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost') names.delete('127.0.0.1');
  allowedHosts = new Set([...names].map((n) => `${n}:${port}`));
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: `http://${hostForUrl}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
