// A strict Runscope-compatible collector for tests: the one stand-in allowed,
// because the hosted API cannot be reached. It checks the path, the bearer
// token, the content type and the JSON shape of every message, and answers the
// way Runscope's API does: a POST holds one message object or a list of them,
// answered with one result per message, in order. Anything off is answered 400
// and recorded in `rejected`.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const headerValue = z.union([z.string(), z.array(z.string())]);
const bodyFields = {
  body: z.string().optional(),
  body_encoding: z.literal('base64').optional(),
};
export const runscopeMessageSchema = z
  .object({
    unique_identifier: z.string().min(1),
    request: z
      .object({
        method: z.string().min(1),
        url: z.string().url(),
        headers: z.record(z.string(), headerValue),
        timestamp: z.number().positive(),
        form: z.record(z.string(), headerValue).optional(),
        ...bodyFields,
      })
      .strict(),
    response: z
      .object({
        status: z.number().int(),
        reason: z.string(),
        headers: z.record(z.string(), headerValue),
        timestamp: z.number().positive(),
        response_time: z.number().nonnegative(),
        size_bytes: z.number().int().nonnegative(),
        ...bodyFields,
      })
      .strict(),
  })
  .strict();
export type ReceivedMessage = z.infer<typeof runscopeMessageSchema>;

export type CollectorMode = 'ok' | 'fail' | 'stall' | 'reject-auth' | 'not-json' | 'error-item';

export interface Collector {
  url: string;
  port: number;
  received: ReceivedMessage[];
  /** Each accepted message with the bucket whose path it was POSTed to, in order. */
  arrivals: Array<{ bucket: string; message: ReceivedMessage }>;
  rejected: Array<{ reason: string; path: string }>;
  /** Requests answered, whatever the mode. */
  requests: number;
  /** Messages in each accepted POST (1 for a single message object). */
  posts: number[];
  /** Refuse a JSON array of messages with a 400, as a collector that takes one message per POST would. */
  singleOnly: boolean;
  /** Most requests open at once since the last `resetConcurrency()`. */
  maxConcurrent: number;
  resetConcurrency(): void;
  /** Holds each 'ok' reply this long, so concurrency is visible. */
  setReplyDelay(ms: number): void;
  setMode(mode: CollectorMode): void;
  /** Rejects (400) the message whose unique_identifier matches. */
  rejectIds: Set<string>;
  /** Stops listening (connections dropped); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Resolves once `count` messages have been received, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

export interface CollectorOptions {
  token: string;
  bucket: string;
  /** More bucket keys it takes messages for; a POST to any other bucket is refused. */
  buckets?: string[];
  port?: number;
  /** Path prefix of the collector (api_endpoint may carry one). */
  prefix?: string;
  singleOnly?: boolean;
}

/**
 * stop() then start() must get the same port back. A port the kernel hands out
 * for port 0 can be taken by any other test in between (EADDRINUSE on start()),
 * so the collector listens below the ephemeral range, where port 0 never lands.
 */
export async function listenOutsideEphemeralRange(listen: (port: number) => Promise<number>): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    /* not Linux: keep the usual lower bound */
  }
  const from = Math.max(1024, low - 12_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await listen(from + Math.floor(Math.random() * (low - from)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return listen(0);
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  let mode: CollectorMode = 'ok';
  const received: ReceivedMessage[] = [];
  const arrivals: Collector['arrivals'] = [];
  const rejected: Collector['rejected'] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const rejectIds = new Set<string>();
  const stalled = new Set<http.ServerResponse>();
  const bucketOfPath = new Map([opts.bucket, ...(opts.buckets ?? [])].map((b) => [`${opts.prefix ?? ''}/buckets/${encodeURIComponent(b)}/messages`, b]));
  const expectedPath = [...bucketOfPath.keys()].join(' or ');
  let uuid = 0;
  let open = 0;
  let replyDelayMs = 0;

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: http.ServerResponse, path: string, reason: string) => {
    rejected.push({ reason, path });
    reply(res, 400, { data: null, meta: { error_count: 1 }, error: { status: 400, message: reason } });
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    collector.requests++;
    if (mode === 'stall') return void stalled.add(res);
    if (mode === 'fail') return reply(res, 500, { data: null, meta: {}, error: { status: 500, message: 'collector failing on purpose' } });
    if (mode === 'reject-auth') return reply(res, 401, { data: null, meta: {}, error: { status: 401, message: 'invalid token' } });
    if (mode === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html>maintenance</html>');
    }
    const path = req.url ?? '';
    if (req.method !== 'POST') return refuse(res, path, `method ${req.method}`);
    const bucket = bucketOfPath.get(path);
    if (bucket === undefined) return refuse(res, path, `path ${path}, expected ${expectedPath}`);
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      return reply(res, 401, { data: null, meta: {}, error: { status: 401, message: 'bad token' } });
    }
    if (!req.headers['content-type']?.startsWith('application/json')) return refuse(res, path, `content-type ${req.headers['content-type']}`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return refuse(res, path, 'body is not JSON');
    }
    if (Array.isArray(json) && (collector.singleOnly || json.length === 0)) {
      return refuse(res, path, json.length === 0 ? 'empty list of messages' : 'expected one message object, got a list');
    }
    const list = Array.isArray(json) ? json : [json];
    const messages: ReceivedMessage[] = [];
    for (const [index, item] of list.entries()) {
      const parsed = runscopeMessageSchema.safeParse(item);
      if (!parsed.success) {
        const where = Array.isArray(json) ? `message ${index}: ` : '';
        return refuse(res, path, `invalid message: ${where}${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      messages.push(parsed.data);
    }
    collector.posts.push(messages.length);
    // As Runscope does: one result per message, in the order sent.
    const results = messages.map((message) => {
      if (rejectIds.has(message.unique_identifier) || mode === 'error-item') {
        rejected.push({ reason: 'rejected on purpose', path });
        return { status: 'error', uuid: null, unique_identifier: message.unique_identifier, warning: null, error: 'message rejected on purpose' };
      }
      received.push(message);
      arrivals.push({ bucket, message });
      return { status: 'success', uuid: `uuid-${++uuid}`, unique_identifier: message.unique_identifier, warning: null, error: null };
    });
    const errors = results.filter((r) => r.status === 'error').length;
    for (const w of [...waiters]) if (received.length >= w.count) w.resolve();
    // A single message rejected on purpose gets a 400, as an invalid one would; in a list it is one error item.
    const status = !Array.isArray(json) && errors === 1 && mode !== 'error-item' ? 400 : errors > 0 ? 200 : 201;
    const answer = () => reply(res, status, { data: results, meta: { success_count: results.length - errors, warning_count: 0, error_count: errors }, error: null });
    if (replyDelayMs > 0 && errors === 0) setTimeout(answer, replyDelayMs);
    else answer();
  };

  const server = http.createServer((req, res) => {
    open++;
    collector.maxConcurrent = Math.max(collector.maxConcurrent, open);
    res.once('close', () => open--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = opts.port === undefined ? await listenOutsideEphemeralRange(listen) : await listen(opts.port);

  const collector: Collector = {
    url: `http://127.0.0.1:${port}${opts.prefix ?? ''}`,
    port,
    received,
    arrivals,
    rejected,
    requests: 0,
    posts: [],
    singleOnly: opts.singleOnly ?? false,
    maxConcurrent: 0,
    resetConcurrency() {
      collector.maxConcurrent = open;
    },
    setReplyDelay(ms) {
      replyDelayMs = ms;
    },
    rejectIds,
    setMode(next) {
      mode = next;
      if (next !== 'stall') {
        for (const res of stalled) res.destroy();
        stalled.clear();
      }
    },
    async stop() {
      for (const res of stalled) res.destroy();
      stalled.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async start() {
      await listen(port);
    },
    async close() {
      if (server.listening) await collector.stop();
    },
    waitFor(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`collector got ${received.length} of ${count} messages within ${timeoutMs} ms (rejected: ${JSON.stringify(rejected.slice(0, 3))})`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
  return collector;
}
