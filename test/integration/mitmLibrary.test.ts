// What mitmLibrary.ts relies on in http-mitm-proxy and in Node, checked on a
// real started Proxy and real https.Servers: if an upgrade moves any of it,
// this fails here rather than as a quiet change in what the proxy does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Proxy, type IContext } from 'http-mitm-proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa, type CertificateAuthority } from '../../electron/core/proxy/ca.js';
import { createLeafCertificateCache, type LeafCertificateCache } from '../../electron/core/proxy/leafCertificates.js';
import { replacingBody } from '../../electron/core/proxy/pausedBody.js';
import {
  filterUpstreamBody,
  forgetTlsHost,
  listeningServers,
  setCertificateSource,
  setUpstreamAgent,
  setUpstreamDestination,
  setUpstreamRequestHeaders,
  setUpstreamTarget,
  silenceLibraryErrorText,
  sniContexts,
  upstreamRequest,
  upstreamTarget,
  writeResponseHead,
  type ListeningServers,
} from '../../electron/core/proxy/mitmLibrary.js';
import { rawHead, rawViaProxy, startRawUpstream, type RawUpstream } from '../support/rawHttp.js';

let ca: CertificateAuthority;
let leaf: LeafCertificateCache;
let proxy: Proxy;
let servers: ListeningServers;
let upstream: RawUpstream;
let tlsUpstream: RawUpstream;
const unverified = new https.Agent({ rejectUnauthorized: false });
const asked = { files: [] as string[], pems: [] as string[] };
/** Hostnames whose certificate files the source names on disk (written by the test). */
const onDisk = new Map<string, { keyFile: string; certFile: string }>();
const agent = new (class extends http.Agent {
  used = 0;
  override createConnection(...args: Parameters<http.Agent['createConnection']>) {
    this.used++;
    return super.createConnection(...args);
  }
})();
const seen: { target?: ReturnType<typeof upstreamTarget>; request?: ReturnType<typeof upstreamRequest> } = {};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mitm-library-'));
  ca = await loadOrCreateCa(join(dir, 'ca'));
  leaf = await createLeafCertificateCache(ca);
  upstream = await startRawUpstream(() => rawHead('HTTP/1.1 200 OK', [['Content-Length', '2']]) + 'ok');
  tlsUpstream = await startRawUpstream(() => rawHead('HTTP/1.1 200 OK', [['Content-Length', '3']]) + 'tls', { key: leaf.keyPem, cert: leaf.certificateFor('localhost') });
  proxy = new Proxy();
  setCertificateSource(proxy, {
    files: (hostname) => {
      asked.files.push(hostname);
      return onDisk.get(hostname) ?? { keyFile: join(dir, 'absent.key'), certFile: join(dir, 'absent.pem') };
    },
    pems: (hostname) => {
      asked.pems.push(hostname);
      return { key: leaf.keyPem, cert: leaf.certificateFor(hostname) };
    },
  });
  proxy.onRequest((ctx: IContext, callback) => {
    const path = ctx.clientToProxyRequest.url ?? '';
    seen.target = upstreamTarget(ctx);
    if (path.startsWith('/agent')) setUpstreamAgent(ctx, agent);
    if (path.startsWith('/request-headers')) setUpstreamRequestHeaders(ctx, ['Host', 'given.example', 'X-Given', 'A', 'x-given', 'B']);
    if (path.startsWith('/destination')) {
      seen.request = upstreamRequest(ctx);
      setUpstreamDestination(ctx, { https: true, hostname: '127.0.0.1', port: tlsUpstream.port, path: '/moved?q=1' }, unverified);
    }
    if (path.startsWith('/target')) setUpstreamTarget(ctx, { method: 'PUT', host: '127.0.0.1', port: upstream.port, path: '/moved?to=here' });
    if (path.startsWith('/filter')) {
      // As a paused request: its body read to the end before the library pipes it.
      const req = ctx.clientToProxyRequest;
      req.on('data', () => undefined);
      req.once('end', () => {
        filterUpstreamBody(ctx, replacingBody(Buffer.from('replaced')));
        setUpstreamRequestHeaders(ctx, ['Host', `127.0.0.1:${upstream.port}`, 'Content-Length', '8']);
        callback();
      });
      req.resume();
      return;
    }
    callback();
  });
  proxy.onResponse((ctx: IContext, callback) => {
    if (ctx.clientToProxyRequest.url?.startsWith('/response-head')) {
      writeResponseHead(ctx.proxyToClientResponse, 299, 'Our Reason', ['X-Ours', '1', 'x-ours', '2', 'Content-Length', '2']);
    }
    callback();
  });
  await new Promise<void>((resolve, reject) =>
    proxy.listen({ host: '127.0.0.1', port: 0, sslCaDir: ca.dir, keepAlive: true, forceSNI: true }, (err?: unknown) => (err ? reject(err) : resolve())),
  );
  servers = listeningServers(proxy);
});

afterAll(async () => {
  proxy?.close();
  for (const s of [servers?.http, servers?.https]) s?.closeAllConnections();
  agent.destroy();
  unverified.destroy();
  await upstream?.close();
  await tlsUpstream?.close();
});

/** A TLS handshake trusting only our CA, through a CONNECT tunnel or straight to `port`: the served certificate. */
function handshake(hostname: string, direct?: number): Promise<X509Certificate> {
  const overTls = (socket: net.Socket | undefined, resolve: (c: X509Certificate) => void, reject: (e: Error) => void) => {
    const s = tls.connect({ socket, host: '127.0.0.1', port: direct, servername: hostname, ca: ca.certPem }, () => {
      resolve(s.getPeerX509Certificate()!);
      s.destroy();
    });
    s.on('error', reject);
  };
  return new Promise((resolve, reject) => {
    if (direct) return overTls(undefined, resolve, reject);
    const req = http.request({ host: '127.0.0.1', port: servers.port, method: 'CONNECT', path: `${hostname}:443`, agent: false });
    req.on('error', reject);
    req.on('connect', (res, socket) => (res.statusCode === 200 ? overTls(socket, resolve, reject) : reject(new Error(`CONNECT ${res.statusCode}`))));
    req.end();
  });
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('http-mitm-proxy, as the adapter uses it', () => {
  it('keeps its servers and bound port in the fields listeningServers reads', () => {
    expect(servers.http).toBeInstanceOf(http.Server);
    expect(servers.https).toBeInstanceOf(https.Server);
    expect(servers.http.listening && servers.https.listening).toBe(true);
    expect(servers.port).toBe((servers.http.address() as net.AddressInfo).port);
  });

  it('serves, for a new host, the certificate our source makes when its files are missing', async () => {
    const cert = await handshake('made.example');
    expect(asked.files).toContain('made.example');
    expect(asked.pems).toContain('made.example');
    expect(cert.fingerprint256).toBe(fingerprint(leaf.certificateFor('made.example')));
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('reads the files our source names when both exist, without asking for PEMs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitm-library-files-'));
    const files = { keyFile: join(dir, 'k.pem'), certFile: join(dir, 'c.pem') };
    writeFileSync(files.keyFile, leaf.keyPem);
    writeFileSync(files.certFile, leaf.certificateFor('disk.example'));
    onDisk.set('disk.example', files);
    const cert = await handshake('disk.example');
    expect(cert.fingerprint256).toBe(fingerprint(leaf.certificateFor('disk.example')));
    expect(asked.pems).not.toContain('disk.example');
  });

  it('notes a host in sslServers, and makes its context again once forgetTlsHost dropped the note', async () => {
    await handshake('again.example');
    expect(proxy.sslServers['again.example']).toBeDefined();
    await handshake('again.example');
    expect(asked.files.filter((h) => h === 'again.example')).toHaveLength(1);
    forgetTlsHost(proxy, 'again.example');
    await handshake('again.example');
    expect(asked.files.filter((h) => h === 'again.example')).toHaveLength(2);
  });

  it('fills host and port in before onRequest, and uses the agent set there', async () => {
    await rawViaProxy(servers.port, rawHead(`GET http://127.0.0.1:${upstream.port}/agent HTTP/1.1`, [['Host', `127.0.0.1:${upstream.port}`]]));
    expect(seen.target).toEqual({ host: '127.0.0.1', port: upstream.port });
    expect(agent.used).toBe(1);
  });

  it('sends upstream the raw header array set in onRequest, as given', async () => {
    await rawViaProxy(servers.port, rawHead(`GET http://127.0.0.1:${upstream.port}/request-headers HTTP/1.1`, [['Host', `127.0.0.1:${upstream.port}`]]));
    const got = upstream.received.find((r) => r.startLine.startsWith('GET /request-headers'))!;
    expect(got.headers.filter(([n]) => n.toLowerCase() !== 'connection')).toEqual([['Host', 'given.example'], ['X-Given', 'A'], ['x-given', 'B']]);
  });

  it('sends upstream the method, host, port and path set in onRequest', async () => {
    await rawViaProxy(servers.port, rawHead(`GET http://127.0.0.1:${upstream.port}/target HTTP/1.1`, [['Host', `127.0.0.1:${upstream.port}`]]));
    expect(upstream.received.map((r) => r.startLine)).toContain('PUT /moved?to=here HTTP/1.1');
  });

  it("pipes the client's request through a request filter even when it has ended already: the filter's flush still reaches the upstream", async () => {
    const request = Buffer.concat([Buffer.from(rawHead(`POST http://127.0.0.1:${upstream.port}/filter HTTP/1.1`, [['Host', `127.0.0.1:${upstream.port}`], ['Content-Length', '5']])), Buffer.from('hello')]);
    await rawViaProxy(servers.port, request);
    const got = upstream.received.find((r) => r.startLine.startsWith('POST /filter'))!;
    expect(got.body.toString()).toBe('replaced');
  });

  it('lets a response head written in onResponse stand: its own writeHead call does nothing', async () => {
    const res = await rawViaProxy(servers.port, rawHead(`GET http://127.0.0.1:${upstream.port}/response-head HTTP/1.1`, [['Host', `127.0.0.1:${upstream.port}`]]));
    expect(res.startLine).toBe('HTTP/1.1 299 Our Reason');
    expect(res.headers.filter(([n]) => !['connection', 'keep-alive', 'date'].includes(n.toLowerCase()))).toEqual([['X-Ours', '1'], ['x-ours', '2'], ['Content-Length', '2']]);
    expect(res.body.toString()).toBe('ok');
  });

  it('reads path and headers of the upstream request in onRequest; sends it elsewhere, over TLS by isSSL, with the agent given', async () => {
    const res = await rawViaProxy(servers.port, rawHead('GET http://nowhere.invalid/destination HTTP/1.1', [['Host', 'nowhere.invalid'], ['X-Mine', 'm']]));
    expect(res.body.toString()).toBe('tls');
    expect(seen.request?.path).toBe('/destination');
    expect(seen.request?.headers).toEqual(expect.arrayContaining(['host', 'nowhere.invalid', 'x-mine', 'm']));
    expect(tlsUpstream.received.map((r) => r.startLine)).toContain('GET /moved?q=1 HTTP/1.1');
  });

  it('appends no error text to a response once silenceLibraryErrorText marked it', () => {
    const library = proxy as unknown as { _onError(kind: string, ctx: unknown, err: Error): void };
    const attempt = (silence: boolean) => {
      const res = new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
      res.writeHead(200);
      if (silence) silenceLibraryErrorText(res);
      let ended = false;
      res.end = (() => ((ended = true), res)) as typeof res.end;
      library._onError('SERVER_TO_PROXY_RESPONSE_ERROR', { proxyToClientResponse: res, onErrorHandlers: [] }, new Error('reset'));
      return ended;
    };
    expect(attempt(false)).toBe(true);
    expect(attempt(true)).toBe(false);
  });
});

describe("Node's https.Server, as tlsHostContexts uses it", () => {
  it('appends each addContext to _contexts, newest last, as [pattern, context]', () => {
    const server = https.createServer();
    const list = sniContexts(server);
    server.addContext('one.example', { key: leaf.keyPem, cert: leaf.certificateFor('one.example') });
    server.addContext('two.example', { key: leaf.keyPem, cert: leaf.certificateFor('two.example') });
    expect(list).toHaveLength(2);
    expect(list[1]![0]).toBeInstanceOf(RegExp);
    expect(list[1]![0].test('two.example')).toBe(true);
    expect(list[0]![0].test('one.example')).toBe(true);
  });

  it('answers SNI from that list: a context spliced out of it is no longer served', async () => {
    await handshake('spliced.example');
    const httpsPort = (servers.https.address() as net.AddressInfo).port;
    expect((await handshake('spliced.example', httpsPort)).subject).toContain('CN=spliced.example');
    const list = sniContexts(servers.https);
    const at = list.findIndex(([pattern]) => pattern.test('spliced.example'));
    expect(at).toBeGreaterThanOrEqual(0);
    list.splice(at, 1);
    await expect(handshake('spliced.example', httpsPort)).rejects.toThrow();
  });
});
