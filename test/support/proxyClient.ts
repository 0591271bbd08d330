// A real client that talks to the proxy: absolute-URI requests for http://,
// CONNECT + TLS (trusting the proxy's CA) for https://.
import http from 'node:http';
import tls from 'node:tls';

export interface ProxiedResponse {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface ProxiedRequest {
  method?: string;
  /** An object, or raw [name, value, ...] pairs to send repeats with their own spelling (http:// only). */
  headers?: Record<string, string | string[]> | string[];
  body?: Buffer | string;
  /** PEM the client trusts for https:// (the proxy's CA). */
  ca?: string;
  timeoutMs?: number;
}

function collect(req: http.ClientRequest, body: ProxiedRequest['body']): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function viaProxy(proxyUrl: string, target: string, opts: ProxiedRequest = {}): Promise<ProxiedResponse> {
  const proxy = new URL(proxyUrl);
  const url = new URL(target);
  const timeout = opts.timeoutMs ?? 15_000;
  if (url.protocol === 'http:') {
    // Like curl, send the upstream's Host (Node would otherwise name the proxy).
    const headers = Array.isArray(opts.headers) ? opts.headers : { host: url.host, ...opts.headers };
    const req = http.request({ host: proxy.hostname, port: proxy.port, method: opts.method ?? 'GET', path: url.href, headers, agent: false, timeout });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    return collect(req, opts.body);
  }
  const socket = await new Promise<import('node:net').Socket>((resolve, reject) => {
    const connect = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: url.host, agent: false });
    connect.on('connect', (res, sock) => (res.statusCode === 200 ? resolve(sock) : reject(new Error(`CONNECT ${res.statusCode}`))));
    connect.on('error', reject);
    connect.end();
  });
  const req = http.request({
    method: opts.method ?? 'GET',
    path: url.pathname + url.search,
    headers: { host: url.host, ...(opts.headers as Record<string, string | string[]> | undefined) },
    timeout,
    createConnection: () => tls.connect({ socket, servername: url.hostname, ca: opts.ca }),
  });
  req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
  return collect(req, opts.body);
}
