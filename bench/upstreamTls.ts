// TLS material for the bench's upstream: its own CA (trusted by every proxy
// under test and by the direct client), one shared leaf key, and one
// certificate per hostname, so every "new host" is new to the upstream too.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { randomSerial, signCertificate } from '../electron/core/proxy/ca.js';

const { pki } = forge;

export interface UpstreamCa {
  certPem: string;
  keyPem: string;
  /** PEM file a process can trust (NODE_EXTRA_CA_CERTS, mitmdump's ssl_verify_upstream_trusted_ca). */
  certPath: string;
  keyPath: string;
}

function toForge(key: KeyObject): forge.pki.PublicKey {
  return pki.publicKeyFromPem((key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'pem' }).toString());
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, issuer: forge.pki.CertificateField[], extensions: object[], key: KeyObject): forge.pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  signCertificate(cert, key);
  return cert;
}

export function createUpstreamCa(dir: string): UpstreamCa {
  mkdirSync(dir, { recursive: true });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attrs = [{ name: 'commonName', value: 'Proxyscope bench upstream CA' }];
  const cert = certificate('Proxyscope bench upstream CA', toForge(pair.publicKey), attrs, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ], pair.privateKey);
  const certPem = pki.certificateToPem(cert);
  const keyPem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const certPath = join(dir, 'upstream-ca.pem');
  const keyPath = join(dir, 'upstream-ca.key');
  writeFileSync(certPath, certPem);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  return { certPem, keyPem, certPath, keyPath };
}

export interface LeafSigner {
  keyPem: string;
  /** PEM certificate for `names` (DNS names or IPv4 literals), signed by the CA. */
  certFor(names: string[]): string;
}

export function createLeafSigner(ca: UpstreamCa): LeafSigner {
  const caCert = pki.certificateFromPem(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  const leaf = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leafPublic = toForge(leaf.publicKey);
  return {
    keyPem: leaf.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    certFor(names) {
      const altNames = names.map((n) => (/^[\d.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n }));
      const cert = certificate(names[0]!, leafPublic, caCert.subject.attributes, [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ], caKey);
      return pki.certificateToPem(cert);
    },
  };
}
