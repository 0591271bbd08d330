// TLS passthrough: a CONNECT whose host a rule names goes to that host
// untouched (the client sees the host's own certificate; our CA is not
// involved), and is recorded as one exchange of kind `tunnel`: host, port,
// bytes each way, duration. The bytes are never parsed.
//
// It takes the CONNECT in http-mitm-proxy's public onConnect hook: a handler
// that never calls back keeps the library out of the socket (the library's own
// forwardHttps example does this), so nothing here reaches into its internals.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Proxy } from 'http-mitm-proxy';
import { CapturedBody } from '../flow/body.js';
import { nowMs, type Exchange, type TunnelFacts } from '../flow/exchange.js';
import { exchangeId } from '../flow/exchangeId.js';
import { packHeaders, packPairs } from '../flow/headers.js';
import { clientMeta } from '../flow/views.js';
import type { ExchangeHooks } from './capture.js';
import { describeUpstreamError } from './upstreamErrors.js';

/**
 * The name of the rule that asks for `host:port` to pass through undecrypted,
 * or null to intercept. Called once per CONNECT, so what it answers may change
 * at any time. `host` is lower case, an IPv6 address in brackets: as a filter
 * sees an exchange's host.
 */
export type PassthroughPredicate = (host: string, port: number) => string | null;

export interface TunnelOptions {
  passthrough: PassthroughPredicate;
  clientOf?: (socket: net.Socket | undefined) => string | null;
  hooks: ExchangeHooks;
  /** How long the host may take to accept the TCP connection (ms). */
  connectTimeout: number;
  log?: (line: string) => void;
}

export interface Tunnels {
  /** Cuts every open tunnel (the proxy is closing); each is recorded with that error. */
  closeAll(): void;
}

export interface ConnectTarget {
  /** For the predicate and for dialling: lower case, IPv6 in brackets. */
  hostname: string;
  port: number;
  /** host[:port] as in `url` (the default port left out, as for intercepted https). */
  host: string;
  /**
   * `https://host[:port]/`: CONNECT carries TLS nearly always, and an https URL
   * gives the tunnel a host, path and protocol that URL parsing, filters and
   * the grid already understand. Nothing is claimed about the bytes.
   */
  url: string;
}

const AUTHORITY = /^(\[[0-9a-f:.]+\]|[^\s/?#@[\]:]+):(\d{1,5})$/i;

/** The target of a CONNECT (authority form, `host:port`), or null when it is not one. */
export function connectTarget(authority: string | undefined): ConnectTarget | null {
  const m = AUTHORITY.exec(authority ?? '');
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  try {
    const u = new URL(`https://${m[1]}:${port}/`);
    return { hostname: u.hostname, port, host: u.host, url: u.href };
  } catch {
    return null;
  }
}

const ESTABLISHED = 'HTTP/1.1 200 Connection established\r\n\r\n';

/** Why a socket failed, briefly: its code when it has one. */
const reason = (err: Error) => (err as NodeJS.ErrnoException).code ?? err.message;

/** A side that closed before both of its directions ended was cut (reset, error, destroyed). */
const cut = (s: Duplex) => !s.readableEnded || !s.writableFinished;

export function attachTunnels(proxy: Proxy, opts: TunnelOptions): Tunnels {
  const { hooks } = opts;
  const open = new Map<Exchange, () => void>();

  const start = (req: IncomingMessage, client: Duplex, head: Buffer, target: ConnectTarget, rule: string) => {
    const tunnel: TunnelFacts = { port: target.port, bytesUp: 0, bytesDown: 0, rule };
    const ex: Exchange = {
      id: exchangeId(),
      kind: 'tunnel',
      origin: 'proxy',
      request: { method: 'CONNECT', url: target.url, host: target.host, httpVersion: req.httpVersion, headers: packHeaders(req.rawHeaders), body: new CapturedBody(0) },
      response: null,
      tunnel,
      upstream: null,
      websocket: null,
      chunkTimes: null,
      error: null,
      timings: { startedAt: nowMs(), responseStartedAt: null, endedAt: null },
      meta: clientMeta(opts.clientOf?.(req.socket)),
    };
    hooks.run('requestHeaders', ex);
    hooks.run('request', ex); // a CONNECT has no body: its request is whole

    const dialHost = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    // Half-open both ways, as TCP is: a side that ends its sending still reads
    // (pipe passes each end on); the server's client sockets are half-open already.
    const upstream = net.connect({ host: dialHost, port: target.port, allowHalfOpen: true });
    let connected = false;
    let closed = 0;
    const failed = (why: string) => {
      ex.error ??= why;
    };
    open.set(ex, () => {
      failed('the proxy closed the tunnel');
      client.destroy();
      upstream.destroy();
    });
    // The exchange ends once both sides have closed, however they did. Once
    // piped, a side that was cut takes the other with it; one that closed
    // cleanly (both ways ended) leaves the other to flush what it still holds.
    const sideClosed = (side: Duplex, other: Duplex) => {
      if (connected && cut(side)) other.destroy();
      if (++closed < 2) return;
      open.delete(ex);
      ex.timings.endedAt = nowMs();
      hooks.run(ex.error === null ? 'response' : 'error', ex);
      hooks.done(ex);
    };
    client.once('close', () => {
      if (!connected && ex.response === null) {
        failed('client closed the connection before the tunnel opened');
        upstream.destroy();
      }
      sideClosed(client, upstream);
    });
    upstream.once('close', () => sideClosed(upstream, client));
    client.on('error', (err: Error) => failed(`client connection failed: ${reason(err)}`));

    upstream.setTimeout(opts.connectTimeout, () => upstream.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: Error) => {
      if (connected) return failed(`upstream connection failed: ${reason(err)}`);
      // Not connected: the client is told, as capture tells it for an http exchange, then the connection ends.
      const { status, text } = describeUpstreamError(err, `${target.hostname}:${target.port}`);
      const reasonPhrase = status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
      const body = Buffer.from(`Proxyscope: ${text}\n`);
      const headers: Array<[string, string]> = [['content-type', 'text/plain; charset=utf-8'], ['x-proxyscope-error', '1'], ['content-length', String(body.length)], ['connection', 'close']];
      ex.response = { status, reason: reasonPhrase, headers: packPairs(headers), body: new CapturedBody(body.length) };
      ex.response.body.push(body);
      ex.timings.responseStartedAt = nowMs();
      failed(text);
      if (client.destroyed) return;
      const head = [`HTTP/1.1 ${status} ${reasonPhrase}`, ...headers.map(([n, v]) => `${n}: ${v}`), '', ''].join('\r\n');
      // Whatever the client sent meanwhile is read and dropped, so closing does not reset the answer away.
      client.resume();
      client.end(Buffer.concat([Buffer.from(head, 'latin1'), body]), () => client.destroy());
    });

    upstream.once('connect', () => {
      if (client.destroyed) return;
      connected = true;
      upstream.setTimeout(0);
      ex.response = { status: 200, reason: 'Connection established', headers: packPairs([]), body: new CapturedBody(0) };
      ex.timings.responseStartedAt = nowMs();
      hooks.run('responseHeaders', ex);
      client.write(ESTABLISHED);
      // Bytes the client sent after its CONNECT head, before our answer (an early ClientHello).
      if (head.length > 0) {
        tunnel.bytesUp += head.length;
        upstream.write(head);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('data', (chunk: Buffer) => (tunnel.bytesUp += chunk.length));
      upstream.on('data', (chunk: Buffer) => (tunnel.bytesDown += chunk.length));
    });
  };

  proxy.onConnect((req, client, head: Buffer | undefined, callback) => {
    const target = connectTarget(req.url);
    if (!target) return callback();
    let rule: string | null;
    try {
      rule = opts.passthrough(target.hostname, target.port);
    } catch (err) {
      opts.log?.(`the passthrough rule check failed for ${target.host} (${(err as Error).message}); the connection is intercepted`);
      rule = null;
    }
    if (rule === null || rule === undefined) return callback();
    start(req, client, head ?? Buffer.alloc(0), target, rule);
  });

  return {
    closeAll() {
      for (const close of [...open.values()]) close();
    },
  };
}
