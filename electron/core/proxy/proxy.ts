// The MITM proxy: http-mitm-proxy with our CA, one shared leaf key, streaming capture.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Proxy } from 'http-mitm-proxy';
import type { CertificateAuthority } from './ca.js';
import { attachCapture, type CaptureOptions } from './capture.js';
import { keepHeadersAsSent } from './headerFidelity.js';
import { createLeafCertificateCache } from './leafCertificates.js';
import { forgetTlsHost, listeningServers, setCertificateSource, setUpstreamAgent, upstreamTarget } from './mitmLibrary.js';
import { Rewrites, type RewriteSeams } from './rewriteExchange.js';
import { boundTlsHostContexts } from './tlsHostContexts.js';
import { guardSlowClients } from './slowClientGuard.js';
import { attachTunnels, type PassthroughPredicate } from './tunnel.js';
import { attachWebSockets } from './websocket.js';
import { browserEntrances } from './browserEntrance.js';

export interface ProxyOptions extends CaptureOptions {
  host: string;
  port: number;
  ca: CertificateAuthority;
  clientHeadersTimeout: number;
  /** host or host:port entries whose upstream certificate is not verified. */
  insecureUpstreamHosts: string[];
  /** Extra PEM roots trusted for upstream TLS (besides Node's defaults and NODE_EXTRA_CA_CERTS). */
  upstreamCa?: string[];
  /** Intercepted HTTPS hostnames whose TLS context is kept (the newest); default TLS_HOST_CONTEXTS_MAX. */
  maxTlsHostContexts?: number;
  /**
   * Asked on every CONNECT: a rule's name passes the tunnel through to the host
   * undecrypted (tunnel.ts), null intercepts it. The function itself is kept
   * for the proxy's life: to change the rules, change what it answers.
   */
  passthrough?: PassthroughPredicate;
}

/** Contexts held for HTTPS hostnames (see tlsHostContexts.ts): a host past them costs a new context (~1 ms) when it comes back. */
export const TLS_HOST_CONTEXTS_MAX = 1000;

export interface RunningProxy {
  url: string;
  port: number;
  /** HTTPS hostnames holding a TLS context now. */
  tlsHostContexts(): number;
  /** PEM of the one private key every host certificate shares (a browser may trust its public key alone). */
  leafKeyPem: string;
  /** The proxy's way in for the browser Open browser starts, by its name: its traffic is tagged (meta `client`). */
  browserProxyUrl(name: string): Promise<string>;
  /** The ports the proxy listens on (itself and the browsers' ways in). */
  ownPorts(): number[];
  /** The capture cap for exchanges (and WebSocket connections) that start from now on. */
  setMaxBodyBytes(bytes: number): void;
  close(): Promise<void>;
}

/** http-mitm-proxy creates its server asynchronously and leaves 'error' unhandled: check the port first. */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `--port ${port} is already in use on ${host}` : `--port ${port}: ${err.message}`)),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** An idle upstream connection is closed after this long when its server announced no keep-alive timeout. */
const UPSTREAM_IDLE_MS = 30_000;

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  await assertPortFree(opts.host, opts.port);
  const leaf = await createLeafCertificateCache(opts.ca);
  const proxy = new Proxy();

  // A signature over the shared leaf key, not the library's RSA key generation per host.
  setCertificateSource(proxy, {
    files: (hostname) => ({ keyFile: leaf.keyPath, certFile: leaf.certPathFor(hostname) }),
    pems: (hostname) => ({ key: leaf.keyPem, cert: leaf.certificateFor(hostname) }),
  });

  // One TLS context for every upstream connection; without it each new connection
  // builds its own (0.2-0.5 ms on the proxy thread), and with extra roots parses all
  // ~140 of them again: through 1,000 new hosts in-process, RSS 414 MB that way, 142 MB this way.
  const ca = opts.upstreamCa?.length ? [...tls.rootCertificates, ...opts.upstreamCa] : undefined;
  const secureContext = tls.createSecureContext(ca ? { ca } : {});
  // timeout: Node's agent honours a server's `Keep-Alive: timeout=N` (closing a second before it) only by
  // shortening its own socket timeout, so without one an idle connection outlives the server's and the next
  // request on it meets a closing socket (a 502). On a busy socket the timeout only emits an event nobody acts on.
  const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', timeout: UPSTREAM_IDLE_MS } as const;
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({ ...agentOptions, secureContext });
  const insecure = new Set(opts.insecureUpstreamHosts.map((h) => h.toLowerCase()));
  const insecureAgent = insecure.size ? new https.Agent({ ...agentOptions, secureContext, rejectUnauthorized: false }) : null;
  const unverified = (host: string, port: number) => insecure.has(host.toLowerCase()) || insecure.has(`${host}:${port}`.toLowerCase());
  if (insecureAgent) {
    proxy.onRequest((ctx, callback) => {
      const o = upstreamTarget(ctx);
      if (ctx.isSSL && o && unverified(o.host, o.port)) setUpstreamAgent(ctx, insecureAgent);
      callback();
    });
  }
  // A request a rewrite sends elsewhere takes the agent of where it goes.
  // The cap is read from these objects per exchange, so setMaxBodyBytes applies to the next one.
  const rewriteSeams: RewriteSeams = {
    maxBodyBytes: opts.maxBodyBytes,
    agentFor: (tls, host, port) => (!tls ? httpAgent : insecureAgent && unverified(host, port) ? insecureAgent : httpsAgent),
  };
  const rewrites = new Rewrites(rewriteSeams);

  // Each is opened when its browser is started, once the proxy listens.
  let listeningPort = 0;
  const entrances = browserEntrances(opts.host, () => listeningPort);
  const clientOf = entrances.clientOf;
  keepHeadersAsSent(proxy);
  const captureOptions = { ...opts, clientOf };
  const webSocketOptions = { hooks: opts.hooks, maxBodyBytes: opts.maxBodyBytes, clientOf };
  attachCapture(proxy, captureOptions, rewrites);
  attachWebSockets(proxy, webSocketOptions);
  const tunnels = opts.passthrough ? attachTunnels(proxy, { passthrough: opts.passthrough, hooks: opts.hooks, connectTimeout: opts.upstreamTimeout, log: opts.log, clientOf }) : null;

  await new Promise<void>((resolve, reject) => {
    proxy.listen(
      { host: opts.host, port: opts.port, sslCaDir: opts.ca.dir, keepAlive: true, forceSNI: true, httpAgent, httpsAgent },
      (err?: unknown) => (err ? reject(err) : resolve()),
    );
  });
  const servers = listeningServers(proxy);
  guardSlowClients(servers.http, opts.clientHeadersTimeout);
  guardSlowClients(servers.https, opts.clientHeadersTimeout);
  const contexts = boundTlsHostContexts(servers.https, (hostname) => forgetTlsHost(proxy, hostname), opts.maxTlsHostContexts ?? TLS_HOST_CONTEXTS_MAX);
  const { port } = servers;
  listeningPort = port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    tlsHostContexts: () => contexts.size,
    leafKeyPem: leaf.keyPem,
    browserProxyUrl: (name) => entrances.urlFor(name),
    ownPorts: () => [port, ...entrances.ports()],
    setMaxBodyBytes(bytes) {
      rewriteSeams.maxBodyBytes = captureOptions.maxBodyBytes = webSocketOptions.maxBodyBytes = bytes;
    },
    async close() {
      await entrances.close();
      // First: the servers' close waits for every socket, and a tunnel's may stay open for hours.
      tunnels?.closeAll();
      const both = [servers.http, servers.https];
      const closing = both.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const s of both) s.closeIdleConnections();
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000).unref())]);
      for (const s of both) s.closeAllConnections();
      httpAgent.destroy();
      httpsAgent.destroy();
      insecureAgent?.destroy();
    },
  };
}
