// A URL's parts as the proxy saw them, for the filter, the grid and the store.
/** The URL's scheme, path and query as sent (not normalised, as `new URL` would). */
export function urlParts(url: string): { protocol: string; path: string; query: string } {
  const scheme = url.indexOf('://');
  const protocol = scheme > 0 ? url.slice(0, scheme).toLowerCase() : '';
  const rest = scheme > 0 ? url.slice(scheme + 3) : url;
  const authorityEnd = rest.search(/[/?#]/);
  const target = authorityEnd < 0 ? '' : rest.slice(authorityEnd).replace(/#.*$/s, '');
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { protocol, path: path === '' ? '/' : path, query: q < 0 ? '' : target.slice(q + 1) };
}
