// A Runscope-compatible Messages endpoint (issue #22): `POST
// /buckets/{bucket}/messages` with a bearer token, one message or a list of
// them, answered in Runscope's envelope with one result per message, in order.
// The valid messages of a POST are committed to the session store before the
// answer; an invalid one is an error item naming its field, and does not stop
// the others.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from '../flow/exchange.js';
import { fromState } from '../flow/state.js';
import { parseBucketKey } from '../settings/schema.js';
import { collectedMessageSchema, collectedState } from './collectedMessage.js';

export const COLLECTOR_MAX_POST_BYTES = 16 * 1024 * 1024;
/** Messages in one POST at most: past it the POST is refused whole (413), as too large. */
export const COLLECTOR_MAX_MESSAGES = 10_000;

export interface CollectedEvent {
  bucket: string;
  id: string;
  method: string;
  url: string;
  status: number | null;
}

export interface CollectorOptions {
  host: string;
  port: number;
  token: string;
  /** Commits the exchanges to `bucket`'s session; rejects when they could not be stored. */
  store(bucket: string, exchanges: Exchange[]): Promise<unknown>;
  onCollected?(e: CollectedEvent): void;
  maxPostBytes?: number;
}

export interface Collector {
  url: string;
  close(): Promise<void>;
}

interface ItemResult {
  status: 'success' | 'error';
  uuid: string | null;
  unique_identifier: string | null;
  warning: null;
  error: string | null;
}

const PATH = /^\/buckets\/([^/?#]+)\/messages\/?(?:\?.*)?$/;

function reply(res: http.ServerResponse, status: number, data: ItemResult[] | null, error: string | null): void {
  const errors = data?.filter((r) => r.status === 'error').length ?? 0;
  const meta = data ? { success_count: data.length - errors, warning_count: 0, error_count: errors } : {};
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data, meta, error: error && { status, message: error } }));
}

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Why the body cannot be read as messages, or the list of them. */
function messagesOf(raw: Buffer): unknown[] | string {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) return 'the body is an empty list: no messages';
  if (list.some((m) => m === null || typeof m !== 'object' || Array.isArray(m))) return 'the body is not a message object or a list of them';
  return list;
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const maxBytes = opts.maxPostBytes ?? COLLECTOR_MAX_POST_BYTES;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const path = PATH.exec(req.url ?? '');
    if (req.method !== 'POST' || !path) return reply(res, 404, null, 'POST /buckets/{bucket}/messages is the only endpoint');
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), opts.token)) return reply(res, 401, null, 'invalid or missing bearer token');
    let bucketText: string;
    try {
      bucketText = decodeURIComponent(path[1]!);
    } catch {
      return reply(res, 400, null, 'the bucket key is not valid percent-encoding');
    }
    const bucket = parseBucketKey(bucketText);
    if (!bucket.ok) return reply(res, 400, null, bucket.error);
    const list = messagesOf(raw);
    if (typeof list === 'string') return reply(res, 400, null, list);
    if (list.length > COLLECTOR_MAX_MESSAGES) return reply(res, 413, null, `more than ${COLLECTOR_MAX_MESSAGES} messages in one POST`);

    const results: ItemResult[] = [];
    const kept: Exchange[] = [];
    for (const [i, item] of list.entries()) {
      const parsed = collectedMessageSchema.safeParse(item);
      const given = typeof (item as { unique_identifier?: unknown }).unique_identifier === 'string' ? ((item as { unique_identifier: string }).unique_identifier) : null;
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const where = Array.isArray(list) && list.length > 1 ? `message ${i}: ` : '';
        results.push({ status: 'error', uuid: null, unique_identifier: given, warning: null, error: `${where}${issue.path.join('.') || 'message'}: ${issue.message}` });
        continue;
      }
      const ex = fromState(collectedState(parsed.data, bucket.bucket));
      kept.push(ex);
      results.push({ status: 'success', uuid: randomUUID(), unique_identifier: parsed.data.unique_identifier ?? ex.id, warning: null, error: null });
    }
    if (kept.length > 0) {
      try {
        await opts.store(bucket.bucket, kept);
      } catch (err) {
        // Nothing was kept: the sender should try again.
        return reply(res, 503, null, `the messages could not be stored: ${(err as Error).message}`);
      }
      for (const ex of kept) opts.onCollected?.({ bucket: bucket.bucket, id: ex.id, method: ex.request.method, url: ex.request.url, status: ex.response?.status ?? null });
    }
    const errors = results.length - kept.length;
    // As Runscope: 201 when all were kept; a single invalid message is a 400; a list with some invalid, 200.
    const status = errors === 0 ? 201 : list.length === 1 ? 400 : 200;
    reply(res, status, results, errors > 0 && list.length === 1 ? results[0]!.error : null);
  }

  const server = http.createServer((req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reply(res, 413, null, `the body is over ${maxBytes} bytes`);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        if (!over) reply(res, 413, null, `the body is over ${maxBytes} bytes`);
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      handle(req, res, Buffer.concat(chunks)).catch((err: Error) => {
        if (!res.headersSent) reply(res, 500, null, `collector failed: ${err.message}`);
      });
    });
    req.on('error', () => res.destroy());
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
