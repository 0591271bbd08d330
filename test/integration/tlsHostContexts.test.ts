// The proxy keeps a TLS context for the newest HTTPS hostnames only, and a
// hostname whose context went still gets a valid certificate when it comes back.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa, type CertificateAuthority } from '../../electron/core/proxy/ca.js';
import { startProxy, type RunningProxy } from '../../electron/core/proxy/proxy.js';
import { noHooks } from '../support/exchanges.js';

let ca: CertificateAuthority;
let proxy: RunningProxy;

beforeAll(async () => {
  ca = await loadOrCreateCa(join(mkdtempSync(join(tmpdir(), 'tls-hosts-')), 'ca'));
  proxy = await startProxy({
    host: '127.0.0.1',
    port: 0,
    ca,
    clientHeadersTimeout: 10_000,
    insecureUpstreamHosts: [],
    maxBodyBytes: 1024,
    upstreamTimeout: 5_000,
    hooks: noHooks,
    maxTlsHostContexts: 2,
  });
});
afterAll(() => proxy?.close());

/** CONNECT through the proxy, a TLS handshake trusting only the app's CA: the certificate's common name. */
function handshake(hostname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: `${hostname}:443` });
    req.on('error', reject);
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT ${hostname}: HTTP ${res.statusCode}`));
      const secure = tls.connect({ socket, servername: hostname, ca: ca.certPem }, () => {
        const cn = secure.getPeerCertificate().subject.CN;
        secure.destroy();
        resolve(String(cn));
      });
      secure.on('error', reject);
    });
    req.end();
  });
}

describe('TLS contexts for intercepted HTTPS hostnames', () => {
  it('keeps the newest ones only, and a hostname whose context went is served again', async () => {
    for (const host of ['one.example', 'two.example', 'three.example']) expect(await handshake(host)).toBe(host);
    expect(proxy.tlsHostContexts()).toBe(2);
    expect(await handshake('one.example')).toBe('one.example');
    expect(await handshake('three.example')).toBe('three.example');
    expect(proxy.tlsHostContexts()).toBe(2);
  });
});
