// A client that CONNECTs through the proxy over a raw socket, so a test knows
// every byte it sent and received on its side of a tunnel, then speaks TLS
// over it trusting only the CA it is given.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { MessageReader, type RawMessage } from './rawHttp.js';

export interface Connected {
  socket: net.Socket;
  /** Bytes of the CONNECT head the client sent (not the early bytes after it). */
  connectBytes: number;
  /** The proxy's answer head, up to and with its blank line. */
  answer: string;
  /** What came after the answer head in the same reads. */
  rest: Buffer;
}

/** Sends `CONNECT authority` (and `early` bytes in the same write) and reads the proxy's answer head. */
export async function connectThrough(proxyPort: number, authority: string, early: Buffer = Buffer.alloc(0)): Promise<Connected> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(proxyPort, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const head = Buffer.from(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 'latin1');
  socket.write(Buffer.concat([head, early]));
  let got = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const at = got.indexOf('\r\n\r\n');
      if (at < 0) return;
      socket.pause(); // before the listener goes: a flowing socket would drop what comes next
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ socket, connectBytes: head.length, answer: got.subarray(0, at + 4).toString('latin1'), rest: got.subarray(at + 4) });
    };
    const onClose = () => reject(new Error(`proxy closed the connection before answering: ${JSON.stringify(got.toString('latin1'))}`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Resolves once the socket has closed. */
export function closed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** The first `n` bytes through the tunnel, from `rest` on (the socket is left flowing); rejects past `timeoutMs`. */
export function readAtLeast(c: Connected, n: number, timeoutMs = 10_000): Promise<Buffer> {
  let got = c.rest;
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      c.socket.off('data', onData);
      c.socket.off('close', onClose);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${got.length} of ${n} bytes through the tunnel within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      if (got.length < n) return;
      stop();
      resolve(got);
    };
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      check();
    };
    const onClose = () => {
      stop();
      reject(new Error(`tunnel closed after ${got.length} of ${n} bytes`));
    };
    c.socket.on('data', onData);
    c.socket.once('close', onClose);
    c.socket.resume();
    check();
  });
}

/** Everything the socket still receives until it closes, after `rest`. */
export async function readToClose(socket: net.Socket, rest: Buffer): Promise<Buffer> {
  const chunks = [rest];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.resume();
  await closed(socket);
  return Buffer.concat(chunks);
}

export interface TlsExchange {
  response: RawMessage;
  /** The certificate the server side of the tunnel presented. */
  leaf: X509Certificate;
}

/** TLS over the tunnel (SNI `servername`, trusting `ca` only), one `GET path` with `Connection: close`, then a clean close. */
export async function getOverTls(c: Connected, servername: string, hostHeader: string, path: string, ca: string): Promise<TlsExchange> {
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ socket: c.socket, servername, ca }, () => resolve(s));
    s.once('error', reject);
  });
  const leaf = new X509Certificate(secure.getPeerCertificate().raw);
  const reader = new MessageReader(secure);
  secure.write(`GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`);
  const response = await reader.next('response');
  secure.end();
  await closed(c.socket);
  return { response, leaf };
}

/** Whether `leaf` carries a signature of the CA in `caPem`. */
export const signedBy = (leaf: X509Certificate, caPem: string): boolean => leaf.verify(new X509Certificate(caPem).publicKey);
