// Real upstream servers on 127.0.0.1 for tests: HTTP and HTTPS (certificate
// signed by a throwaway test CA that only the proxy is told to trust).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadOrCreateCa, type CertificateAuthority } from '../../electron/core/proxy/ca.js';
import { createLeafCertificateCache } from '../../electron/core/proxy/leafCertificates.js';
import { attachWebSockets } from './upstreamWebSockets.js';

/** A request as the upstream got it. */
export interface ReceivedRequest {
  method: string;
  /** The request target (path and query). */
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface Upstream {
  httpUrl: string;
  httpsUrl: string;
  /** Every request received, in order of arrival of its body's end. */
  received: ReceivedRequest[];
  /** PEM of the CA that signed the HTTPS upstream's certificate. */
  caPem: string;
  close(): Promise<void>;
}

export const BINARY = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xc3, 0x28]);

const openStreams = new Map<string, http.ServerResponse>();
const streamWaiters = new Map<string, Array<(res: http.ServerResponse) => void>>();

/** The open `/sse?id=ID` response, once a request for it has arrived: the test writes its events and ends it. */
export function sseStream(id: string): Promise<http.ServerResponse> {
  const open = openStreams.get(id);
  if (open) return Promise.resolve(open);
  return new Promise((resolve) => streamWaiters.set(id, [...(streamWaiters.get(id) ?? []), resolve]));
}

function route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/json':
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      return void res.end(JSON.stringify({ hello: 'world', path: url.pathname, query: url.search }));
    case '/echo':
      res.setHeader('content-type', req.headers['content-type'] ?? 'application/octet-stream');
      return void res.end(body);
    case '/binary':
      res.setHeader('content-type', 'application/octet-stream');
      return void res.end(BINARY);
    case '/gzip':
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-encoding', 'gzip');
      return void res.end(gzipSync('compressed hello'));
    case '/broken-gzip':
      res.setHeader('content-encoding', 'gzip');
      return void res.end(Buffer.from('this is not gzip'));
    case '/status': {
      const code = Number(url.searchParams.get('code') ?? 200);
      res.writeHead(code, url.searchParams.get('reason') ?? undefined);
      return void res.end();
    }
    case '/big': {
      // Streams `n` bytes in 64 KiB chunks, honouring backpressure.
      let left = Number(url.searchParams.get('n') ?? 0);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      // chunked=1: no length, so a reader learns the size only by reading.
      if (url.searchParams.get('chunked') !== '1') res.setHeader('content-length', left);
      const pump = () => {
        while (left > 0) {
          const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    case '/sse': {
      // An event stream the test writes to (sseStream): it decides when each event leaves.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const id = url.searchParams.get('id') ?? '';
      openStreams.set(id, res);
      for (const w of streamWaiters.get(id) ?? []) w(res);
      streamWaiters.delete(id);
      return;
    }
    case '/hang':
      return; // never answers
    case '/reset-mid-body':
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      return void setImmediate(() => req.socket.destroy());
    default:
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
  }
}

function handlerFor(received: ReceivedRequest[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      route(req, res, body);
    });
  };
}

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

// One CA for every upstream a test process starts: a fresh one each cost two RSA keys.
let upstreamCa: Promise<CertificateAuthority> | undefined;

export async function startUpstream(): Promise<Upstream> {
  const ca = await (upstreamCa ??= loadOrCreateCa(mkdtempSync(join(tmpdir(), 'upstream-ca-'))));
  const leaf = await createLeafCertificateCache(ca);
  const received: ReceivedRequest[] = [];
  const handler = handlerFor(received);
  const plain = http.createServer(handler);
  const secure = https.createServer(
    {
      key: leaf.keyPem,
      cert: leaf.certificateFor('localhost'),
      SNICallback: (name, cb) => {
        cb(null, tls.createSecureContext({ key: leaf.keyPem, cert: leaf.certificateFor(name) }));
      },
    },
    handler,
  );
  const closeSockets = [attachWebSockets(plain), attachWebSockets(secure)];
  const [httpPort, httpsPort] = await Promise.all([listen(plain), listen(secure)]);
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://localhost:${httpsPort}`,
    received,
    caPem: ca.certPem,
    async close() {
      for (const c of closeSockets) c();
      for (const s of [plain, secure]) s.closeAllConnections();
      await Promise.all([plain, secure].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
