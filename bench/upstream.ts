// The bench's upstream, in its own process: plain Node HTTP and HTTPS servers
// with keep-alive. Routes: /json (1 KiB JSON), /100k (100 KiB), /stream?bytes=N,
// and any path with `?s=STATUS&b=BYTES&d=DELAY_MS&w=1` (the store phase's mix,
// see mixResponse).
// HTTPS answers SNI `known.localhost`, `localhost`, 127.0.0.1 and n1…nK.localhost,
// each name with its own certificate (signed at start-up, not per connection).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { BIG_BYTES, JSON_BYTES, KNOWN_HOST, newHostName, RARE_WORD } from './shared.js';
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

/** Words the mix's bodies are cut from: body text varies as real JSON does, so the FTS index is of realistic size. */
const WORDS = 'account active address alpha amount api balance batch beta cache cart catalog channel checkout client code config count created currency customer data default delta device email enabled event expires failed feature filter gamma group health id image index invoice item items key label language limit list locale message metric name next node offset order owner page payment pending plan price product profile query queue region request result role session shipping size sku source status stock store tag tenant text token total type updated user value version warehouse weight'.split(' ');
const POOL = (() => {
  // xorshift32: a fixed sequence, so every run stores the same text.
  let x = 2463534242;
  const words: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words.push(WORDS[(x >>> 0) % WORDS.length]!);
  }
  return words.join(' ');
})();
const MAX_MIX_BYTES = 64 * 1024;

/** `?s=…&b=…&d=…&w=…` → a JSON body of b bytes (a slice of the word pool, the rare word in it when w=1) with status s, after d ms. */
function mixResponse(url: string, res: http.ServerResponse): void {
  const q = new URL(url, 'http://x').searchParams;
  const status = Number(q.get('s')) || 200;
  const bytes = Math.min(MAX_MIX_BYTES, Math.max(64, Number(q.get('b')) || 1024));
  const delay = Math.min(10_000, Number(q.get('d')) || 0);
  const n = Number(q.get('n')) || 0;
  const head = `{"n":${n},"status":${status},"text":"`;
  const rare = q.get('w') === '1' ? ` ${RARE_WORD} ` : '';
  const room = bytes - head.length - rare.length - 2;
  const start = (n * 7919) % (POOL.length - MAX_MIX_BYTES);
  const text = POOL.slice(start, start + Math.max(0, room));
  const half = text.length >> 1;
  const body = Buffer.from(`${head}${text.slice(0, half)}${rare}${text.slice(half)}"}`);
  const send = () => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  if (delay > 0) setTimeout(send, delay);
  else send();
}

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  req.resume();
  if (url.includes('?s=')) return mixResponse(url, res);
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
