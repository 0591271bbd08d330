// An inspector must not reshape what it carries. http-mitm-proxy forwards
// Node's lower-cased, merged `headers` objects both ways, adds Proxy-Connection
// to responses and replaces the reason phrase; these handlers send what came
// instead (names with their case, order and repeats), minus only what HTTP/1.1
// keeps to one connection. Bodies stream exactly as before: only heads change.
import type { IContext, Proxy } from 'http-mitm-proxy';
import { setUpstreamRequestHeaders, upstreamTarget, writeResponseHead } from './mitmLibrary.js';

/** RFC 9110 7.6.1, plus Proxy-Authenticate/-Authorization (RFC 2616 13.5.1): for one connection only. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/**
 * `raw` (rawHeaders: name, value, …) without hop-by-hop headers and those the
 * Connection header names. Transfer-Encoding stays when `keepTransferEncoding`:
 * Node then frames the body by it (re-chunking what it writes); without it,
 * Node chooses the framing itself.
 */
export function endToEndHeaders(raw: readonly string[], keepTransferEncoding: boolean): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) (named ??= new Set()).add(token.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named?.has(name) || (!keepTransferEncoding && name === 'transfer-encoding')) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function hasHeader(raw: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) return true;
  return false;
}

/** Host as HTTP/1.1 needs it, for a request that came without one (HTTP/1.0, absolute URI). */
function hostFor(ctx: IContext): string | undefined {
  const target = upstreamTarget(ctx);
  if (!target) return undefined;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port && target.port !== (ctx.isSSL ? 443 : 80) ? `${host}:${target.port}` : host;
}

/** Responses whose head waits for whoever holds them (a paused response): writeHeadAsSent writes it later. */
const heldHeads = new WeakSet<IContext>();

export function holdResponseHead(ctx: IContext): void {
  heldHeads.add(ctx);
}

/**
 * Writes the client's response head from `raw` as the rest are written: the
 * names as given, hop-by-hop headers left out, no Date added. Throws what Node
 * throws for a head it will not write.
 */
export function writeHeadAsSent(ctx: IContext, status: number, reason: string, raw: readonly string[]): void {
  const res = ctx.proxyToClientResponse;
  // An HTTP/1.0 client cannot take chunked framing: Node then ends the body by closing.
  const keepTransferEncoding = ctx.clientToProxyRequest.httpVersion !== '1.0';
  res.sendDate = false; // a Date the upstream did not send is not ours to add
  try {
    writeResponseHead(res, status, reason, endToEndHeaders(raw, keepTransferEncoding));
  } catch (err) {
    res.sendDate = true;
    throw err;
  }
}

export function keepHeadersAsSent(proxy: Proxy): void {
  proxy.onRequest((ctx, callback) => {
    // The request's own Transfer-Encoding frames its body upstream: Node would
    // send a chunked GET or DELETE body unframed.
    const headers = endToEndHeaders(ctx.clientToProxyRequest.rawHeaders, true);
    const host = hasHeader(headers, 'host') ? undefined : hostFor(ctx);
    if (host) headers.push('Host', host);
    setUpstreamRequestHeaders(ctx, headers);
    callback();
  });

  proxy.onResponse((ctx, callback) => {
    const upstream = ctx.serverToProxyResponse;
    if (!upstream || heldHeads.has(ctx)) return callback();
    try {
      writeHeadAsSent(ctx, upstream.statusCode ?? 502, upstream.statusMessage ?? '', upstream.rawHeaders);
    } catch (err) {
      return callback(err as Error); // a head Node will not write: the error handler answers 502
    }
    callback();
  });
}
