// http-mitm-proxy (forceSNI) gives its one HTTPS server a TLS context per
// intercepted hostname (https.Server.addContext) and never takes one back: Node
// keeps them in a list that only grows (~28 KB of native memory each, measured
// in the README) and matches each handshake's SNI name against it by regex.
// This keeps the newest `max`. The oldest host's context goes, and so does the
// library's note that the host has one (sslServers), so that host's next CONNECT
// makes a new context, from the leaf certificate cache.
import type https from 'node:https';
import { sniContexts, type SniContextList } from './mitmLibrary.js';

export interface TlsHostContexts {
  /** Hostnames holding a context now. */
  readonly size: number;
}

/** `forget(hostname)`: the library's note that `hostname` has a context goes. */
export function boundTlsHostContexts(server: https.Server, forget: (hostname: string) => void, max: number): TlsHostContexts {
  const list = sniContexts(server);
  const byHost = new Map<string, SniContextList[number]>(); // insertion order = age
  const addContext = server.addContext.bind(server);
  const drop = (hostname: string) => {
    const entry = byHost.get(hostname);
    byHost.delete(hostname);
    const at = entry ? list.indexOf(entry) : -1;
    if (at >= 0) list.splice(at, 1);
  };
  server.addContext = (hostname, context) => {
    drop(hostname);
    addContext(hostname, context);
    byHost.set(hostname, list[list.length - 1]!);
    while (byHost.size > max) {
      const oldest = byHost.keys().next().value!;
      drop(oldest);
      forget(oldest);
    }
  };
  return {
    get size() {
      return byHost.size;
    },
  };
}
