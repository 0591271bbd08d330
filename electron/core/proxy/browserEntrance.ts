// The way in for the browser "Open browser" starts: a second loopback port
// whose connections are piped to the proxy's own, each remembered by the port
// it reaches the proxy from, so what the browser sends is told apart from the
// rest of the traffic (meta `client`, `is:browser`) with nothing added to it.
import net from 'node:net';

export interface BrowserEntrance {
  /** `http://host:port`, for the browser's --proxy-server. */
  url: string;
  /** Whether the proxy's side of this connection (a client socket it accepted) came through the entrance. */
  has(socket: net.Socket | undefined): boolean;
  close(): Promise<void>;
}

/** `proxyHost`: the address the proxy listens on (a wildcard is reached on loopback). The entrance is on loopback only. */
export async function openBrowserEntrance(proxyHost: string, proxyPort: number): Promise<BrowserEntrance> {
  const to = proxyHost === '0.0.0.0' || proxyHost === '::' ? '127.0.0.1' : proxyHost;
  // The ports our pipes to the proxy connect from, while they are open.
  const ours = new Set<number>();
  const open = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    const toProxy = net.connect({ host: to, port: proxyPort });
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
      ours.add(port);
      toProxy.once('close', () => ours.delete(port));
      // Known before the first byte reaches the proxy.
      client.pipe(toProxy);
      toProxy.pipe(client);
      client.resume();
    });
    client.once('close', () => toProxy.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // The same port from another address is another machine's connection.
    has: (socket) => socket?.remotePort !== undefined && ours.has(socket.remotePort) && socket.remoteAddress === socket.localAddress,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
      }),
  };
}
