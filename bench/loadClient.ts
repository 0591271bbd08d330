// The bench's purpose-built Node client, in its own process (forked, one task
// per message). It does what wrk cannot: HTTPS through CONNECT with keep-alive
// on the tunnel, a fixed request rate (open loop) for added latency, first
// contact with new HTTPS hostnames, and one long streamed download. Every loop
// is bounded by a count or a deadline.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { summarize, type LatencySummary } from './shared.js';

/** Where requests go: straight to the upstream, or through a proxy at `proxy`. */
export interface Route {
  proxy: string | null;
  /** Upstream host name used in the URL, Host header and SNI. */
  host: string;
  port: number;
  path: string;
  /** PEM roots the client trusts for TLS (the upstream CA direct, the proxy's CA through it). */
  ca?: string[];
}

export type Task =
  | { kind: 'closed'; scheme: 'http' | 'https'; route: Route; connections: number; warmupMs: number; durationMs: number }
  | { kind: 'rate'; route: Route; connections: number; rate: number; durationMs: number }
  | { kind: 'new-hosts'; route: Route; names: string[]; knownName: string; timeoutMs: number }
  | { kind: 'stream'; route: Route; bytes: number; timeoutMs: number };

export interface ClosedResult {
  kind: 'closed';
  requests: number;
  errors: number;
  rps: number;
  latency: LatencySummary;
  firstError: string | null;
}
export interface RateResult {
  kind: 'rate';
  sent: number;
  completed: number;
  errors: number;
  latency: LatencySummary;
  firstError: string | null;
}
export interface NewHostsResult {
  kind: 'new-hosts';
  newHostMs: number[];
  knownHostMs: number[];
  errors: number;
  firstError: string | null;
}
export interface StreamResult {
  kind: 'stream';
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  error: string | null;
}
export type TaskResult = ClosedResult | RateResult | NewHostsResult | StreamResult;

const now = () => performance.now();

/** Opens a TCP tunnel with CONNECT and starts TLS inside it. */
function tunnel(proxy: string, host: string, port: number, ca: string[] | undefined, cb: (err: Error | null, socket?: Duplex) => void): void {
  const p = new URL(proxy);
  const req = http.request({ host: p.hostname, port: p.port, method: 'CONNECT', path: `${host}:${port}`, headers: { host: `${host}:${port}` } });
  const timer = setTimeout(() => req.destroy(new Error('CONNECT timed out')), 30_000);
  req.once('connect', (res, socket) => {
    clearTimeout(timer);
    if (res.statusCode !== 200) {
      socket.destroy();
      return cb(new Error(`CONNECT answered ${res.statusCode}`));
    }
    const secure = tls.connect({ socket, servername: host, ca }, () => cb(null, secure));
    secure.once('error', (err) => cb(err));
  });
  req.once('error', (err) => {
    clearTimeout(timer);
    cb(err);
  });
  req.end();
}

/** An https.Agent whose sockets are TLS inside a CONNECT tunnel, kept alive like any other. */
class TunnelAgent extends https.Agent {
  constructor(private readonly proxy: string, private readonly ca: string[] | undefined, options: https.AgentOptions) {
    super(options);
  }
  override createConnection(options: { host?: string; port?: number }, cb: (err: Error | null, socket?: Duplex) => void): Duplex | undefined {
    let done = false;
    tunnel(this.proxy, options.host!, options.port!, this.ca, (err, socket) => {
      if (done) return;
      done = true;
      cb(err, socket);
    });
    return undefined;
  }
}

function agentFor(scheme: 'http' | 'https', route: Route, sockets: number): http.Agent {
  const options = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' as const };
  if (scheme === 'http') return new http.Agent(options);
  if (route.proxy) return new TunnelAgent(route.proxy, route.ca, options);
  return new https.Agent({ ...options, ca: route.ca });
}

/** Request options for GET `route.path`; plain HTTP through a proxy uses an absolute URI. */
function requestOptions(scheme: 'http' | 'https', route: Route, agent: http.Agent | undefined): http.RequestOptions & tls.ConnectionOptions {
  const authority = `${route.host}:${route.port}`;
  if (scheme === 'http' && route.proxy) {
    const p = new URL(route.proxy);
    return { host: p.hostname, port: Number(p.port), path: `http://${authority}${route.path}`, headers: { host: authority }, agent };
  }
  return { host: scheme === 'https' && route.proxy ? route.host : '127.0.0.1', port: route.port, path: route.path, headers: { host: authority }, servername: route.host, agent };
}

function get(scheme: 'http' | 'https', options: http.RequestOptions, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (scheme === 'http' ? http : https).request(options, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.once('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.once('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

async function closed(task: Extract<Task, { kind: 'closed' }>): Promise<ClosedResult> {
  const agent = agentFor(task.scheme, task.route, task.connections);
  const options = requestOptions(task.scheme, task.route, agent);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = now();
  const measureFrom = start + task.warmupMs;
  const end = measureFrom + task.durationMs;
  const worker = async () => {
    while (now() < end) {
      const t0 = now();
      try {
        await get(task.scheme, options);
        if (t0 >= measureFrom) latencies.push(now() - t0);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: task.connections }, worker));
  agent.destroy();
  return { kind: 'closed', requests: latencies.length, errors, rps: latencies.length / (task.durationMs / 1000), latency: summarize(latencies), firstError };
}

let stopRequested = false;

async function rate(task: Extract<Task, { kind: 'rate' }>): Promise<RateResult> {
  // One agent per connection, requests dealt round-robin: all `connections` carry traffic.
  const agents = Array.from({ length: task.connections }, () => agentFor('http', task.route, 1));
  const options = agents.map((agent) => requestOptions('http', task.route, agent));
  await Promise.all(options.map((o) => get('http', o).catch(() => undefined))); // open every connection first
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let firstError: string | null = null;
  let inFlight = 0;
  const start = now();
  const interval = 1000 / task.rate;
  const maxRequests = Math.ceil((task.durationMs / 1000) * task.rate);
  await new Promise<void>((resolve) => {
    const finishIfDone = () => {
      if ((stopRequested || sent >= maxRequests) && inFlight === 0) resolve();
    };
    const fire = () => {
      inFlight++;
      const t0 = now();
      get('http', options[sent % options.length]!)
        .then(() => latencies.push(now() - t0))
        .catch((err: Error) => {
          errors++;
          firstError ??= err.message;
        })
        .finally(() => {
          inFlight--;
          finishIfDone();
        });
      sent++;
    };
    const tick = setInterval(() => {
      const due = Math.min(maxRequests, Math.floor((now() - start) / interval) + 1);
      while (sent < due && !stopRequested) fire();
      if (stopRequested || sent >= maxRequests) {
        clearInterval(tick);
        finishIfDone();
      }
    }, 1);
  });
  for (const agent of agents) agent.destroy();
  return { kind: 'rate', sent, completed: latencies.length, errors, latency: summarize(latencies), firstError };
}

/** One fresh connection (CONNECT + TLS through the proxy, or TLS direct) and one GET; ms to the end of the response. */
function firstResponse(route: Route, name: string, timeoutMs: number): Promise<number> {
  const t0 = now();
  return new Promise((resolve, reject) => {
    const onSocket = (err: Error | null, socket?: Duplex) => {
      if (err || !socket) return reject(err ?? new Error('no socket'));
      const req = http.request(
        { createConnection: () => socket as unknown as import('node:net').Socket, path: route.path, headers: { host: `${name}:${route.port}`, connection: 'close' } },
        (res) => {
          res.resume();
          res.once('end', () => {
            socket.destroy();
            return res.statusCode === 200 ? resolve(now() - t0) : reject(new Error(`HTTP ${res.statusCode}`));
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${name}: no answer within ${timeoutMs} ms`)));
      req.once('error', reject);
      req.end();
    };
    if (route.proxy) return tunnel(route.proxy, name, route.port, route.ca, onSocket);
    const secure = tls.connect({ host: '127.0.0.1', port: route.port, servername: name, ca: route.ca }, () => onSocket(null, secure));
    secure.once('error', (err) => onSocket(err));
  });
}

async function newHosts(task: Extract<Task, { kind: 'new-hosts' }>): Promise<NewHostsResult> {
  const result: NewHostsResult = { kind: 'new-hosts', newHostMs: [], knownHostMs: [], errors: 0, firstError: null };
  const attempt = async (name: string, into: number[]) => {
    try {
      into.push(await firstResponse(task.route, name, task.timeoutMs));
    } catch (err) {
      result.errors++;
      result.firstError ??= (err as Error).message;
    }
  };
  await attempt(task.knownName, []); // the known host's certificate and upstream connection now exist
  for (const name of task.names) {
    await attempt(name, result.newHostMs);
    await attempt(task.knownName, result.knownHostMs);
  }
  return result;
}

async function stream(task: Extract<Task, { kind: 'stream' }>): Promise<StreamResult> {
  const options = requestOptions('http', task.route, undefined);
  const t0 = now();
  try {
    const bytes = await get('http', { ...options, agent: false }, task.timeoutMs);
    const seconds = (now() - t0) / 1000;
    if (bytes !== task.bytes) return { kind: 'stream', bytes, seconds, mbPerSecond: NaN, error: `got ${bytes} of ${task.bytes} bytes` };
    return { kind: 'stream', bytes, seconds, mbPerSecond: bytes / 1e6 / seconds, error: null };
  } catch (err) {
    return { kind: 'stream', bytes: 0, seconds: (now() - t0) / 1000, mbPerSecond: NaN, error: (err as Error).message };
  }
}

function run(task: Task): Promise<TaskResult> {
  switch (task.kind) {
    case 'closed':
      return closed(task);
    case 'rate':
      return rate(task);
    case 'new-hosts':
      return newHosts(task);
    case 'stream':
      return stream(task);
  }
}

process.on('message', (msg: { type: 'task'; task: Task } | { type: 'stop' }) => {
  if (msg.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  run(msg.task).then(
    (result) => process.send!({ type: 'result', result }),
    (err: Error) => process.send!({ type: 'error', error: err.stack ?? err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
