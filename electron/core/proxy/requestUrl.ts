// The absolute URL of a request the proxy received: as written (an HTTP
// proxy's absolute form), or rebuilt from the tunnel's target (inside CONNECT).
import type { IContext } from 'http-mitm-proxy';
import { upstreamTarget } from './mitmLibrary.js';

export function buildUrl(ctx: IContext): { url: string; host: string } {
  const req = ctx.clientToProxyRequest;
  const raw = req.url ?? '/';
  if (/^https?:\/\//i.test(raw)) {
    try {
      const u = new URL(raw);
      return { url: u.href, host: u.host };
    } catch {
      /* fall through */
    }
  }
  const opts = upstreamTarget(ctx)!;
  const scheme = ctx.isSSL ? 'https' : 'http';
  const port = Number(opts.port);
  const defaultPort = ctx.isSSL ? 443 : 80;
  const hostname = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // join() makes one flat string; `+` and template literals make a rope of
  // pieces, and the store keeps every piece alive.
  const host = port && port !== defaultPort ? [hostname, port].join(':') : hostname;
  return { url: [scheme, '://', host, raw.startsWith('/') ? '' : '/', raw].join(''), host };
}
