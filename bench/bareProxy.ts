// http-mitm-proxy as it comes: no hooks, keepAlive on, its own CA and its
// own per-host key generation. The floor Proxyscope builds on.
import { join } from 'node:path';
import { Proxy } from 'http-mitm-proxy';

const sslCaDir = process.argv[2];
if (!sslCaDir) throw new Error('usage: bareProxy.js <sslCaDir>');
// The library logs through console, some of it on stdout.
console.log = console.info = console.debug = console.warn = console.error = () => undefined;

const proxy = new Proxy();
proxy.listen({ host: '127.0.0.1', port: 0, sslCaDir, keepAlive: true }, (err?: unknown) => {
  if (err) {
    process.stderr.write(`bare proxy: ${String(err)}\n`);
    process.exit(1);
  }
  const port = (proxy as unknown as { httpPort: number }).httpPort;
  process.stdout.write(`${JSON.stringify({ event: 'ready', proxy: `http://127.0.0.1:${port}`, ca: join(sslCaDir, 'certs', 'ca.pem') })}\n`);
});
const stop = () => {
  proxy.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
