// The bench's upstream, in its own process: plain Node HTTP and HTTPS servers
// with keep-alive. Routes: /json (1 KiB JSON), /100k (100 KiB), /stream?bytes=N.
// HTTPS answers SNI `known.localhost`, `localhost`, 127.0.0.1 and n1…nK.localhost,
// each name with its own certificate (signed at start-up, not per connection).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { BIG_BYTES, JSON_BYTES, KNOWN_HOST, newHostName } from './shared.js';
import { createLeafSigner } from './upstreamTls.js';

export interface UpstreamStart {
  caCertPath: string;
  caKeyPath: string;
  /** How many `nK.localhost` names get a certificate. */
  hostCount: number;
}

export interface UpstreamReady {
  httpPort: number;
  httpsPort: number;
}


function jsonBody(): Buffer {
  const base = { ok: true, service: 'proxyscope-bench-upstream', items: [] as number[], pad: '' };
  for (let i = 0; i < 40; i++) base.items.push(i);
  const without = Buffer.byteLength(JSON.stringify(base));
  base.pad = 'x'.repeat(JSON_BYTES - without);
  return Buffer.from(JSON.stringify(base));
}

const JSON_BODY = jsonBody();
const BIG_BODY = Buffer.alloc(BIG_BYTES, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
const STREAM_CHUNK = Buffer.alloc(64 * 1024, 'z');
const MAX_STREAM = 4 * 1024 * 1024 * 1024;

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  req.resume();
  if (url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_BODY.length });
    res.end(JSON_BODY);
    return;
  }
  if (url === '/100k') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BIG_BODY.length });
    res.end(BIG_BODY);
    return;
  }
  if (url.startsWith('/stream')) {
    const total = Math.min(MAX_STREAM, Number(new URL(url, 'http://x').searchParams.get('bytes') ?? 0) || 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    let left = total;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, STREAM_CHUNK.length);
        left -= n;
        const more = res.write(n === STREAM_CHUNK.length ? STREAM_CHUNK : STREAM_CHUNK.subarray(0, n));
        if (!more) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (left = 0));
    pump();
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 10 });
  res.end('not found\n');
}

async function main(start: UpstreamStart): Promise<UpstreamReady> {
  const signer = createLeafSigner({
    certPem: readFileSync(start.caCertPath, 'utf8'),
    keyPem: readFileSync(start.caKeyPath, 'utf8'),
    certPath: start.caCertPath,
    keyPath: start.caKeyPath,
  });
  const contexts = new Map<string, tls.SecureContext>();
  for (let k = 1; k <= start.hostCount; k++) {
    contexts.set(newHostName(k), tls.createSecureContext({ key: signer.keyPem, cert: signer.certFor([newHostName(k)]) }));
  }
  const serverOptions = { keepAlive: true, keepAliveTimeout: 120_000 };
  const plain = http.createServer(serverOptions, handle);
  const secure = https.createServer(
    {
      ...serverOptions,
      key: signer.keyPem,
      cert: signer.certFor([KNOWN_HOST, 'localhost', '127.0.0.1']),
      SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase())),
    },
    handle,
  );
  const listen = (s: http.Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  return { httpPort: await listen(plain), httpsPort: await listen(secure) };
}

process.once('message', (msg: UpstreamStart) => {
  main(msg).then(
    (ready) => process.send!({ type: 'ready', ...ready }),
    (err: Error) => {
      process.stderr.write(`upstream: ${err.stack}\n`);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
