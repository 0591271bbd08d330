// The control endpoint: how `proxyscope query` and `export-har` reach a running
// instance. While one runs, it holds sessions.db in SQLite's exclusive locking
// mode, so no other process can open the file; the CLI asks the instance instead.
//
// Loopback only, a fresh token per run in control.json (0600, in the 0700 data
// dir: readable by the user who owns the data dir and nobody else), and only the
// commands the CLI needs: reading, resending for `proxyscope mcp`, importHar
// for `proxyscope import-har` (it adds a session and changes nothing that
// exists), and replaying into a bucket for `proxyscope forward`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CommandName, CoreService } from '../api.js';
import { commandArgSchemas, parseCommand } from '../apiSchemas.js';
import { writeFileAtomic } from '../files/writeFileAtomic.js';

export const CONTROL_FILE = 'control.json';
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the CLI reads from control.json. */
export interface ControlInfo {
  pid: number;
  url: string;
  token: string;
}

/** getExchange: export-har asks for one exchange at a time when the whole HAR is more than exportHar answers with. */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandName> = new Set(['queryExchanges', 'countExchanges', 'exportHar', 'getExchange', 'listSessions', 'getStatus']);
/**
 * Beyond reading: `proxyscope mcp`'s replay_exchange sends a stored request again through the proxy; `proxyscope
 * import-har` adds a session; `proxyscope browser` starts a browser through the proxy; `proxyscope forward`
 * replays stored exchanges into a bucket and follows the job.
 */
export const CONTROL_COMMANDS: ReadonlySet<CommandName> = new Set([...READ_ONLY_COMMANDS, 'resendExchange', 'importHar', 'openBrowser', 'forwardExchanges', 'forwardProgress']);

export interface ControlEndpoint {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function authorized(header: string | undefined, token: Buffer): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  return given.length === token.length && timingSafeEqual(given, token);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function commandOf(body: Buffer): { name: unknown; arg: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { name?: unknown }).name !== 'string') {
    throw new HttpError(400, 'body must be {"name": string, "arg"?: …}');
  }
  return parsed as { name: unknown; arg: unknown };
}

async function answer(req: http.IncomingMessage, service: CoreService, token: Buffer): Promise<{ status: number; body: object }> {
  if (req.url !== '/command') throw new HttpError(404, 'not found');
  if (req.method !== 'POST') throw new HttpError(405, 'POST only');
  // A web page may reach loopback ports; the CLI never sends an Origin.
  if (req.headers.origin !== undefined) throw new HttpError(403, 'browsers are not allowed');
  if (!authorized(req.headers.authorization, token)) throw new HttpError(401, 'missing or wrong token');
  const { name, arg } = commandOf(await readBody(req));
  if (!Object.hasOwn(commandArgSchemas, name as string)) throw new HttpError(400, `unknown command: ${String(name).slice(0, 60)}`);
  if (!CONTROL_COMMANDS.has(name as CommandName)) throw new HttpError(403, `${String(name)} is not allowed here (only the CLI's: reading, resendExchange, importHar, openBrowser, forwardExchanges, forwardProgress)`);
  const command = parseCommand(name, arg);
  if (!command.ok) throw new HttpError(400, command.error);
  const handler = service.handlers[command.name] as (a: unknown) => unknown;
  return { status: 200, body: { ok: true, value: await handler(command.arg) } };
}

export async function startControlEndpoint(opts: { dataDir: string; service: CoreService }): Promise<ControlEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const server = http.createServer((req, res) => {
    answer(req, opts.service, tokenBytes).then(
      ({ status, body }) => send(res, status, body),
      (err: Error) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 401) res.setHeader('www-authenticate', 'Bearer');
        // Past the bound the rest of the body is not read: the connection goes with the answer.
        if (status === 413) res.setHeader('connection', 'close');
        send(res, status, { ok: false, error: err.message });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = join(opts.dataDir, CONTROL_FILE);
  try {
    await writeFileAtomic(file, JSON.stringify({ pid: process.pid, url, token } satisfies ControlInfo), 0o600);
  } catch (err) {
    server.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        rmSync(file, { force: true });
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
