// Resend (issue #21): an exchange sent again through the proxy itself, so the
// new one is captured, stored and forwarded like any other, with origin
// `replay` and `meta.replayOf` naming the one it came from. The request
// carries a one-time marker header that only this addon's own sends are
// recognised by; the addon takes it off before the request goes upstream.
import { randomUUID } from 'node:crypto';
import type { ProxyAgent } from 'undici';
import type { ExchangeDetail, ResendEdits, ResendResult } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import { headerPairs, headerValue } from '../../flow/headers.js';
import type { Addon } from '../../pipeline/addon.js';

export const REPLAY_HEADER = 'x-proxyscope-replay';
export const REPLAY_OF_META = 'replayOf';
/** Headers the client library frames itself, or that name the connection rather than the request. */
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

export interface ReplayOptions {
  proxyUrl(): string;
  /** PEM the sender trusts for HTTPS through the proxy: the app's CA. */
  caPem: string;
  /** The exchange to send again, bodies included (from memory or the store). */
  getExchange(id: string): Promise<ExchangeDetail | null>;
  /** Bound on one resend, as the proxy's upstream timeout bounds any exchange. */
  timeoutMs: number;
}

export interface ReplayAddon extends Addon {
  resend(id: string, edits?: ResendEdits): Promise<ResendResult>;
}

export function replayAddon(opts: ReplayOptions): ReplayAddon {
  const pending = new Map<string, { of: string; exchangeId: string | null; done: (ex: Exchange) => void }>();
  let agent: ProxyAgent | null = null;
  let agentFor = '';
  // undici loads on the first resend (resend passes it in): a start need not pay for it.
  const dispatcher = ({ ProxyAgent }: typeof import('undici')) => {
    const uri = opts.proxyUrl();
    if (!agent || agentFor !== uri) {
      void agent?.close();
      agent = new ProxyAgent({ uri, requestTls: { ca: opts.caPem }, proxyTls: {} });
      agentFor = uri;
    }
    return agent;
  };

  async function resend(id: string, edits: ResendEdits = {}): Promise<ResendResult> {
    const d = await opts.getExchange(id);
    if (!d) return { ok: false, error: `no exchange ${id}` };
    if (d.kind === 'tunnel') return { ok: false, error: 'a passthrough tunnel has no request to send again' };
    if (d.kind === 'websocket') return { ok: false, error: 'a WebSocket cannot be sent again: open it again from its client' };
    const url = edits.url ?? d.url;
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return { ok: false, error: `url: ${url} is not an http(s) URL` };
    const body = edits.bodyBase64 !== undefined ? Buffer.from(edits.bodyBase64, 'base64') : edits.body !== undefined ? Buffer.from(edits.body) : Buffer.from(d.request.body.base64, 'base64');
    if (edits.body === undefined && edits.bodyBase64 === undefined && d.request.body.truncated) {
      return { ok: false, error: `its request body was cut at the capture cap (${d.request.body.size} bytes sent): give the body to send` };
    }
    const nonce = randomUUID();
    const recorded = new Promise<Exchange>((resolve) => pending.set(nonce, { of: id, exchangeId: null, done: resolve }));
    const headers: string[] = [];
    for (const [n, v] of edits.headers ?? d.request.headers) if (!FRAMING.has(n.toLowerCase()) && n.toLowerCase() !== REPLAY_HEADER) headers.push(n, v);
    headers.push(REPLAY_HEADER, nonce);
    const method = edits.method ?? d.method;
    try {
      const undici = await import('undici');
      const res = await undici.request(url, { method, headers, body: body.length > 0 || !['GET', 'HEAD'].includes(method.toUpperCase()) ? body : undefined, dispatcher: dispatcher(undici), headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
      await res.body.dump();
    } catch {
      /* the proxy records what went wrong; the exchange says it */
    }
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), opts.timeoutMs).unref());
    const ex = await Promise.race([recorded, timeout]);
    pending.delete(nonce);
    if (!ex) return { ok: false, error: 'the resent exchange was not recorded in time' };
    return { ok: true, id: ex.id, status: ex.response?.status ?? null, error: ex.error };
  }

  return {
    name: 'replay',
    intercept(ex) {
      const nonce = headerValue(ex.request.headers, REPLAY_HEADER);
      const p = nonce === undefined ? undefined : pending.get(nonce);
      if (!p) return undefined;
      p.exchangeId = ex.id;
      ex.origin = 'replay';
      ex.meta[REPLAY_OF_META] = p.of;
      const headers = headerPairs(ex.request.headers).filter(([n]) => n.toLowerCase() !== REPLAY_HEADER);
      // The marker goes no further than this proxy.
      return { pause: async (paused) => ({ go: { request: { method: ex.request.method, url: ex.request.url, headers, body: paused.body } } }) };
    },
    recorded(ex) {
      if (ex.origin !== 'replay') return;
      for (const p of pending.values()) if (p.exchangeId === ex.id) p.done(ex);
    },
    resend,
    async stop() {
      await agent?.close();
    },
  };
}
