// The ways in for the browsers "Open browser" starts: one loopback port per
// browser, each connection piped to the proxy's own port and remembered by the
// port it reaches the proxy from, so what each browser sends is told apart
// from the rest of the traffic (meta `client`: the browser's name;
// `is:browser`) with nothing added to it.
import net from 'node:net';

export interface BrowserEntrances {
  /** `http://127.0.0.1:port` for the browser called `name` (opened on first use), for its proxy setting. */
  urlFor(name: string): Promise<string>;
  /** The browser a connection the proxy accepted came through, or null. */
  clientOf(socket: net.Socket | undefined): string | null;
  ports(): number[];
  close(): Promise<void>;
}

/** `proxyHost`: the address the proxy listens on (a wildcard is reached on loopback). The entrances are on loopback only. */
export function browserEntrances(proxyHost: string, proxyPort: () => number): BrowserEntrances {
  const to = proxyHost === '0.0.0.0' || proxyHost === '::' ? '127.0.0.1' : proxyHost;
  // The ports our pipes to the proxy connect from, while they are open, and whose they are.
  const ours = new Map<number, string>();
  const open = new Set<net.Socket>();
  const servers = new Map<string, Promise<{ server: net.Server; port: number }>>();

  const listen = (name: string) =>
    new Promise<{ server: net.Server; port: number }>((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: true }, (client) => {
        const toProxy = net.connect({ host: to, port: proxyPort() });
        open.add(client);
        client.once('close', () => open.delete(client));
        const cut = () => {
          client.destroy();
          toProxy.destroy();
        };
        client.on('error', cut);
        toProxy.on('error', cut);
        toProxy.once('connect', () => {
          const port = toProxy.localPort!;
          ours.set(port, name);
          toProxy.once('close', () => ours.delete(port));
          // Known before the first byte reaches the proxy.
          client.pipe(toProxy);
          toProxy.pipe(client);
          client.resume();
        });
        client.once('close', () => toProxy.end());
      });
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
    });

  const ports: number[] = [];
  return {
    async urlFor(name) {
      let s = servers.get(name);
      if (!s) {
        servers.set(name, (s = listen(name)));
        s.then(({ port }) => ports.push(port), () => servers.delete(name));
      }
      return `http://127.0.0.1:${(await s).port}`;
    },
    // The same port from another address is another machine's connection.
    clientOf: (socket) => (socket?.remotePort !== undefined && socket.remoteAddress === socket.localAddress ? (ours.get(socket.remotePort) ?? null) : null),
    ports: () => [...ports],
    async close() {
      for (const s of open) s.destroy();
      await Promise.all(
        [...servers.values()].map((p) =>
          p.then(
            ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
            () => undefined,
          ),
        ),
      );
    },
  };
}
