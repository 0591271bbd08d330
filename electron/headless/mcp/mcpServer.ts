// `proxyscope mcp`: the session store as Model Context Protocol tools, for
// coding agents, over stdio (the official SDK). Each call opens the store and
// lets go of it after, so a Proxyscope can start on the data dir while an
// agent is connected: the call is then answered by that instance.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { BodyView, ExchangeDetail, HeaderPair } from '../../core/api.js';
import { formatFilterError } from '../../core/filter/index.js';
import { decodeContent, textOrBase64 } from '../../core/flow/contentEncoding.js';
import { withStore, type StoreClient } from '../storeClient.js';
import type { AgentRedaction } from './agentRedaction.js';

export const SEARCH_LIMIT_MAX = 500;
export const BODY_BYTES_DEFAULT = 64 * 1024;
export const BODY_BYTES_MAX = 1024 * 1024;

const session = z
  .union([z.literal('current'), z.literal('all'), z.number().int().positive()])
  .optional()
  .describe('"current" (default), "all", or a session id from list_sessions');

const text = (value: unknown, isError = false): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 1) }], ...(isError ? { isError } : {}) });

function headerOf(headers: readonly HeaderPair[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** A body for a model: decoded (gzip, br, deflate), as text when it is UTF-8, else base64, cut to `max` bytes. */
export function bodyForAgent(body: BodyView, headers: readonly HeaderPair[], max: number) {
  const raw = Buffer.from(body.base64, 'base64');
  const coding = headerOf(headers, 'content-encoding');
  const decoded = decodeContent(raw, coding, body.truncated);
  const bytes = decoded ?? raw;
  const shown = bytes.subarray(0, max);
  const { text: content, base64 } = textOrBase64(shown);
  return {
    encoding: base64 ? 'base64' : 'utf8',
    content,
    wireBytes: body.size,
    ...(decoded && coding && decoded !== raw ? { decodedFrom: coding } : {}),
    shownBytes: shown.length,
    truncated: body.truncated || shown.length < bytes.length,
  };
}

function exchangeForAgent(d: ExchangeDetail, max: number) {
  return {
    id: d.id,
    kind: d.kind,
    method: d.method,
    url: d.url,
    status: d.status,
    error: d.error,
    startedAt: new Date(d.startedAt).toISOString(),
    durationMs: d.durationMs,
    httpVersion: d.httpVersion,
    request: { headers: d.request.headers, body: bodyForAgent(d.request.body, d.request.headers, max) },
    response: d.response && {
      status: d.response.status,
      reason: d.response.reason,
      headers: d.response.headers,
      body: bodyForAgent(d.response.body, d.response.headers, max),
    },
    ...(d.tunnel ? { tunnel: d.tunnel } : {}),
    meta: d.meta,
  };
}

export interface McpOptions {
  dataDir: string;
  redaction: AgentRedaction;
  version: string;
  /** The store for one call; the CLI's default opens the data dir's. */
  useStore?: <T>(use: (store: StoreClient) => Promise<T>) => Promise<T>;
}

export function createMcpServer(opts: McpOptions): McpServer {
  const server = new McpServer({ name: 'proxyscope', version: opts.version });
  const useStore = opts.useStore ?? (<T>(use: (store: StoreClient) => Promise<T>) => withStore(opts.dataDir, use));
  const { redaction } = opts;
  const failed = (err: unknown) => text({ error: (err as Error).message }, true);

  server.registerTool(
    'search_exchanges',
    {
      title: 'Search captured HTTP exchanges',
      description:
        'Finds exchanges Proxyscope captured, with its filter language: e.g. `status>=500`, `host*=api method=POST`, `duration>1s`, `resbody*=exception`, `header[authorization]`. Newest first. Returns summaries (id, method, url, status, duration, sizes) and how many matched.',
      inputSchema: {
        filter: z.string().max(10_000).optional().describe('a Proxyscope filter expression; empty or absent: everything'),
        limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).optional().describe(`at most this many (default 50, at most ${SEARCH_LIMIT_MAX})`),
        session,
      },
    },
    async ({ filter, limit, session: s }) => {
      try {
        return await useStore(async (store) => {
          const q = { filter: filter ?? '', session: s ?? 'current' };
          const page = await store.page({ ...q, sort: 'startedAt', order: 'desc', limit: Math.min(limit ?? 50, 1000) });
          if (!page.ok) return text({ error: formatFilterError({ column: page.column, message: page.error }) }, true);
          const count = await store.count(q);
          const rows = page.rows.map((r) => ({ id: r.id, method: r.method, url: redaction.url(r.url), status: r.status, error: r.error, startedAt: new Date(r.startedAt).toISOString(), durationMs: r.durationMs, requestBytes: r.requestBytes, responseBytes: r.responseBytes, contentType: r.contentType, session: r.session ?? null }));
          return text({ matched: count.ok ? count.matched : rows.length, total: count.ok ? count.total : null, exchanges: rows });
        });
      } catch (err) {
        return failed(err);
      }
    },
  );

  server.registerTool(
    'get_exchange',
    {
      title: 'Read one captured exchange',
      description: 'The request and response of one exchange (an id from search_exchanges): headers and bodies, decoded, as text or base64 (encoding says which), cut to maxBodyBytes.',
      inputSchema: {
        id: z.string().min(1).max(200).describe('the exchange id'),
        maxBodyBytes: z.number().int().min(0).max(BODY_BYTES_MAX).optional().describe(`bytes of each body shown (default ${BODY_BYTES_DEFAULT}, at most ${BODY_BYTES_MAX})`),
      },
    },
    async ({ id, maxBodyBytes }) => {
      try {
        return await useStore(async (store) => {
          const d = await store.detail(id);
          if (!d) return text({ error: `no exchange ${id} (it may have been evicted, or the id is wrong)` }, true);
          return text(exchangeForAgent(redaction.detail(d), maxBodyBytes ?? BODY_BYTES_DEFAULT));
        });
      } catch (err) {
        return failed(err);
      }
    },
  );

  server.registerTool(
    'replay_exchange',
    {
      title: 'Send a captured request again',
      description:
        'Sends the request of one exchange (an id from search_exchanges) again through the running Proxyscope, optionally changed; the new exchange is captured like any other and returned. Needs Proxyscope running on the data dir.',
      inputSchema: {
        id: z.string().min(1).max(200).describe('the exchange to send again'),
        method: z.string().min(1).max(100).optional(),
        url: z.string().max(65_536).optional().describe('an http(s) URL in place of the original'),
        headers: z.array(z.tuple([z.string(), z.string()])).max(500).optional().describe('[name, value] pairs in place of the original headers'),
        body: z.string().max(16 * 1024 * 1024).optional().describe('text in place of the original body'),
        maxBodyBytes: z.number().int().min(0).max(BODY_BYTES_MAX).optional(),
      },
    },
    async ({ id, maxBodyBytes, ...edits }) => {
      try {
        return await useStore(async (store) => {
          const r = await store.resend(id, edits);
          if (!r.ok) return text({ error: r.error }, true);
          const d = await store.detail(r.id);
          return d ? text(exchangeForAgent(redaction.detail(d), maxBodyBytes ?? BODY_BYTES_DEFAULT)) : text({ id: r.id, status: r.status, error: r.error });
        });
      } catch (err) {
        return failed(err);
      }
    },
  );

  server.registerTool(
    'list_sessions',
    { title: 'List capture sessions', description: 'The sessions in the store: id, name, start, exchange count and size; the current one is marked.', inputSchema: {} },
    async () => {
      try {
        return await useStore(async (store) =>
          text((await store.sessions()).map((x) => ({ id: x.id, name: x.name, startedAt: new Date(x.startedAt).toISOString(), exchanges: x.exchanges, bytes: x.bytes, current: x.current }))),
        );
      } catch (err) {
        return failed(err);
      }
    },
  );
  return server;
}
