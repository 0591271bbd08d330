// The one module that reaches past the public, typed surface of http-mitm-proxy
// and of Node's http/https/tls. Each reach says why it is needed;
// test/integration/mitmLibrary.test.ts fails if an upgrade of either moves one.
import type http from 'node:http';
import type https from 'node:https';
import type { IContext, IWebSocketContext, Proxy } from 'http-mitm-proxy';

export interface CertificateSource {
  /** Where the key and certificate for `hostname` would be on disk; the library reads them if both exist. */
  files(hostname: string): { keyFile: string; certFile: string };
  /** PEMs for `hostname` when its files are missing. */
  pems(hostname: string): { key: string; cert: string };
}

/**
 * Replaces the library's per-host RSA key generation. Its README says to assign
 * these two methods, which it calls on itself for each new intercepted host.
 */
export function setCertificateSource(proxy: Proxy, source: CertificateSource): void {
  proxy.onCertificateRequired = (hostname, cb) => cb(null, { ...source.files(hostname), hosts: [hostname] });
  proxy.onCertificateMissing = (ctx, _files, cb) => {
    try {
      const { key, cert } = source.pems(ctx.hostname);
      cb(null, { keyFileData: key, certFileData: cert, hosts: [ctx.hostname] });
    } catch (err) {
      cb(err as Error);
    }
  };
}

export interface ListeningServers {
  http: http.Server;
  /** The one SNI server every intercepted host's tunnel ends at (listen with forceSNI). */
  https: https.Server;
  port: number;
}

/** listen() keeps its servers and bound port in fields it fills in asynchronously, with no accessor. */
export function listeningServers(proxy: Proxy): ListeningServers {
  const { httpServer, httpsServer, httpPort } = proxy;
  if (!httpServer || !httpsServer || typeof httpPort !== 'number') throw new Error('http-mitm-proxy has not listened (or no longer keeps httpServer/httpsServer/httpPort)');
  return { http: httpServer, https: httpsServer, port: httpPort };
}

/** `sslServers` is the library's note that a host has a TLS context; without the entry its next CONNECT makes a new one. */
export function forgetTlsHost(proxy: Proxy, hostname: string): void {
  delete proxy.sslServers[hostname];
}

/** Node's list behind addContext and the default SNI callback: [name pattern, native context], newest last. */
export type SniContextList = Array<[RegExp, unknown]>;

/** Node has addContext but no way to take a context back: the list is the private `_contexts`. */
export function sniContexts(server: https.Server): SniContextList {
  const list = (server as unknown as { _contexts?: unknown })._contexts;
  if (!Array.isArray(list)) throw new Error('https.Server has no _contexts list: this Node version manages SNI contexts differently');
  return list as SniContextList;
}

/** Where the library will connect for this request (its request options are undocumented). */
export function upstreamTarget(ctx: IContext): { host: string; port: number } | undefined {
  const o = ctx.proxyToServerRequestOptions;
  return o ? { host: o.host, port: Number(o.port) } : undefined;
}

/** Sends this request upstream with another method, target and path (a paused request the user edited), through the same undocumented options. */
export function setUpstreamTarget(ctx: IContext, target: { method: string; host: string; port: number; path: string }): void {
  const o = ctx.proxyToServerRequestOptions;
  if (!o) return;
  o.method = target.method;
  o.host = target.host;
  o.port = target.port;
  o.path = target.path;
}

/**
 * The library pipes the client's request through its request filters to the
 * upstream, and only once the onRequest handlers are done: a filter is how a
 * body read while the request was paused gets there. A pipe from a stream that
 * has already ended ends its destination on the next tick, so the filter's
 * flush still runs.
 */
export function filterUpstreamBody(ctx: IContext, filter: NodeJS.ReadWriteStream): void {
  ctx.addRequestFilter(filter);
}

/** Agent for this request's upstream connection, set through the same undocumented options. */
export function setUpstreamAgent(ctx: IContext, agent: http.Agent): void {
  if (ctx.proxyToServerRequestOptions) ctx.proxyToServerRequestOptions.agent = agent;
}

/**
 * After the onError handlers, the library ends the response with its error text
 * unless `finished` is set; ending a destroyed response would error again, and loop.
 */
export function silenceLibraryErrorText(res: http.ServerResponse): void {
  res.finished = true; // deprecated in Node, and still what the library checks
}

/** The library sends the lower-cased, merged `headers` object; Node's http.request also takes a raw [name, value, …] array and sends it as given. */
export function setUpstreamRequestHeaders(ctx: IContext, raw: string[]): void {
  const o = ctx.proxyToServerRequestOptions as { headers: unknown } | undefined;
  if (o) o.headers = raw;
}

/**
 * Right after the onResponse handlers, the library calls writeHead with the
 * lower-cased, merged `headers` object and no reason phrase (a second call
 * would throw). Written here first, from what the upstream sent, its call
 * becomes a no-op for this one response.
 */
export function writeResponseHead(res: http.ServerResponse, status: number, reason: string, raw: string[]): void {
  res.writeHead(status, reason, raw);
  res.writeHead = (() => res) as typeof res.writeHead;
}

/** The path and raw headers the library will send upstream, as the onRequest handlers left them (keepHeadersAsSent sets a raw array). */
export function upstreamRequest(ctx: IContext): { path: string; headers: string[] } | undefined {
  const o = ctx.proxyToServerRequestOptions as { path: string; headers: unknown } | undefined;
  if (!o) return undefined;
  const h = o.headers;
  if (Array.isArray(h)) return { path: o.path, headers: h.map(String) };
  const raw = Object.entries((h ?? {}) as Record<string, string | string[]>).flatMap(([n, v]) => (Array.isArray(v) ? v.flatMap((x) => [n, x]) : [n, v]));
  return { path: o.path, headers: raw };
}

/**
 * Sends the request to another upstream: host, port, path and agent in the
 * same undocumented options, and the scheme through `isSSL`, which the library
 * reads to choose https.request or http.request once the onRequest handlers
 * have called back.
 */
export function setUpstreamDestination(ctx: IContext, to: { https: boolean; hostname: string; port: number; path: string }, agent: http.Agent): void {
  const o = ctx.proxyToServerRequestOptions;
  if (!o) return;
  o.host = to.hostname;
  o.port = to.port;
  o.path = to.path;
  o.agent = agent;
  ctx.isSSL = to.https;
}

/** The client's upgrade request: the library keeps it on its WebSocket as `upgradeReq` (ws itself dropped that field). */
export function webSocketUpgradeRequest(ctx: IWebSocketContext): http.IncomingMessage | undefined {
  return (ctx.clientToProxyWebSocket as unknown as { upgradeReq?: http.IncomingMessage } | undefined)?.upgradeReq;
}
