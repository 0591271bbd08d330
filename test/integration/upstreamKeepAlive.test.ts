// The proxy's upstream connections kept alive between requests: one the server
// announces it will close after `Keep-Alive: timeout=N` is closed by the proxy
// first, so a request never goes out on a connection the server is closing
// (which the client would see as a 502).
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../electron/core/proxy/ca.js';
import { startProxy, type RunningProxy } from '../../electron/core/proxy/proxy.js';
import { noHooks } from '../support/exchanges.js';
import { viaProxy } from '../support/proxyClient.js';
import { until } from '../support/until.js';

/** An upstream that answers every request on a connection and never closes one itself; it records who ended each. */
interface Upstream {
  port: number;
  connections: Array<{ endedByPeer: boolean }>;
  close(): Promise<void>;
}

async function startUpstream(keepAliveHint: string | null): Promise<Upstream> {
  const connections: Upstream['connections'] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const c = { endedByPeer: false };
    connections.push(c);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('end', () => {
      c.endedByPeer = true;
      socket.end();
    });
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        const hint = keepAliveHint ? `Keep-Alive: ${keepAliveHint}\r\n` : '';
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n${hint}\r\nok`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let proxy: RunningProxy;
beforeAll(async () => {
  const ca = await loadOrCreateCa(join(mkdtempSync(join(tmpdir(), 'upstream-keepalive-')), 'ca'));
  proxy = await startProxy({ host: '127.0.0.1', port: 0, ca, clientHeadersTimeout: 10_000, insecureUpstreamHosts: [], maxBodyBytes: 1024, upstreamTimeout: 10_000, hooks: noHooks });
});
afterAll(async () => {
  await proxy?.close();
});

describe('upstream keep-alive', () => {
  it('closes an idle upstream connection before the timeout the server announced', async () => {
    const upstream = await startUpstream('timeout=2');
    try {
      const r = await viaProxy(proxy.url, `http://127.0.0.1:${upstream.port}/a`);
      expect(r.status).toBe(200);
      expect(upstream.connections).toHaveLength(1);
      // The server never closes: only the proxy's idle timer (a second before the announced 2 s) ends it.
      await until('the proxy closes the idle connection', () => upstream.connections[0]!.endedByPeer || undefined, 10_000);
      const again = await viaProxy(proxy.url, `http://127.0.0.1:${upstream.port}/b`);
      expect(again.status).toBe(200);
      expect(upstream.connections).toHaveLength(2);
    } finally {
      await upstream.close();
    }
  });

  it('reuses a connection while it is fresh', async () => {
    const upstream = await startUpstream(null);
    try {
      for (const path of ['/1', '/2', '/3']) expect((await viaProxy(proxy.url, `http://127.0.0.1:${upstream.port}${path}`)).status).toBe(200);
      expect(upstream.connections).toHaveLength(1);
    } finally {
      await upstream.close();
    }
  });
});
