// Per-host certificates signed by the app's CA with ONE shared leaf key pair
// (as mockttp and mitmproxy do): a new host costs a signature, not an RSA keygen.
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { writeFileAtomic } from '../files/writeFileAtomic.js';
import { randomSerial, signCertificate, type CertificateAuthority } from './ca.js';

const { pki } = forge;

export interface LeafCertificateCache {
  keyPath: string;
  keyPem: string;
  /** Where the certificate for `hostname` lives on disk. */
  certPathFor(hostname: string): string;
  /** PEM for `hostname`, from memory, else signed now and written to disk in the background. */
  certificateFor(hostname: string): string;
}

function safeFileName(hostname: string): string {
  return hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '_').slice(0, 200) || '_';
}

function signLeaf(hostname: string, leafPublicKey: forge.pki.PublicKey, ca: CertificateAuthority): string {
  const cert = pki.createCertificate();
  cert.publicKey = leafPublicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: hostname.slice(0, 64) }]);
  cert.setIssuer(ca.cert.subject.attributes);
  const altName = isIP(hostname) ? { type: 7, ip: hostname } : { type: 2, value: hostname };
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [altName] },
  ]);
  signCertificate(cert, ca.key);
  return pki.certificateToPem(cert);
}

export async function createLeafCertificateCache(ca: CertificateAuthority, maxInMemory = 2000): Promise<LeafCertificateCache> {
  const leafPublicKey = pki.publicKeyFromPem(createPublicKey(ca.leafKeyPem).export({ type: 'spki', format: 'pem' }).toString());
  const memory = new Map<string, string>(); // insertion order = LRU order
  const certPathFor = (hostname: string) => join(ca.dir, 'certs', 'hosts', `${safeFileName(hostname)}.pem`);
  return {
    keyPath: ca.leafKeyPath,
    keyPem: ca.leafKeyPem,
    certPathFor,
    certificateFor(hostname) {
      const hit = memory.get(hostname);
      if (hit !== undefined) {
        memory.delete(hostname);
        memory.set(hostname, hit);
        return hit;
      }
      const pem = signLeaf(hostname, leafPublicKey, ca);
      memory.set(hostname, pem);
      if (memory.size > maxInMemory) memory.delete(memory.keys().next().value!);
      writeFileAtomic(certPathFor(hostname), pem, 0o644).catch(() => undefined); // disk cache is best effort
      return pem;
    },
  };
}
