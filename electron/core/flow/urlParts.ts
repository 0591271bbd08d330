// A URL's parts as the proxy saw them, for the filter, the grid and the store.
/** The URL's scheme, path and query as sent (not normalised, as `new URL` would). */
const DEFAULT_PORTS: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443 };

export function urlParts(url: string): { protocol: string; port: number; path: string; query: string } {
  const scheme = url.indexOf('://');
  const protocol = scheme > 0 ? url.slice(0, scheme).toLowerCase() : '';
  const rest = scheme > 0 ? url.slice(scheme + 3) : url;
  const authorityEnd = rest.search(/[/?#]/);
  const target = authorityEnd < 0 ? '' : rest.slice(authorityEnd).replace(/#.*$/s, '');
  // After any userinfo; an IPv6 literal's colons are inside its brackets.
  const hostPort = (authorityEnd < 0 ? rest : rest.slice(0, authorityEnd)).replace(/^.*@/s, '');
  const written = /:(\d{1,5})$/.exec(hostPort.replace(/^\[[^\]]*\]/, ''));
  const port = written ? Number(written[1]) : (DEFAULT_PORTS[protocol] ?? 0);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { protocol, port, path: path === '' ? '/' : path, query: q < 0 ? '' : target.slice(q + 1) };
}
