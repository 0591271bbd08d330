// The app's own certificate authority: created once per data dir, reused after.
// Files follow http-mitm-proxy's layout (certs/ca.pem, keys/ca.private.key,
// keys/ca.public.key) so its CA loader finds ours instead of writing a 0644 key.
import { generateKeyPairSync, randomBytes, sign, type KeyObject, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { writeFileAtomic } from '../files/writeFileAtomic.js';

const { pki, asn1 } = forge;

export interface CertificateAuthority {
  certPem: string;
  cert: forge.pki.Certificate;
  key: KeyObject;
  certPath: string;
  dir: string;
}

export function caPaths(sslCaDir: string) {
  return {
    cert: join(sslCaDir, 'certs', 'ca.pem'),
    privateKey: join(sslCaDir, 'keys', 'ca.private.key'),
    publicKey: join(sslCaDir, 'keys', 'ca.public.key'),
  };
}

/** Signs a forge certificate with a Node KeyObject (RSA, SHA-256): fast native signing. */
export function signCertificate(cert: forge.pki.Certificate, key: KeyObject): void {
  const oid = pki.oids['sha256WithRSAEncryption']!;
  (cert as unknown as { signatureOid: string }).signatureOid = oid;
  (cert as unknown as { siginfo: { algorithmOid: string } }).siginfo.algorithmOid = oid;
  (cert as unknown as { md: unknown }).md = forge.md.sha256.create();
  const tbs = asn1.toDer((pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert)).getBytes();
  const signature = sign('sha256', Buffer.from(tbs, 'binary'), key);
  (cert as unknown as { signature: string }).signature = signature.toString('binary');
}

export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

function createCaCertificate(publicKeyPem: string, key: KeyObject): forge.pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const attrs = [
    // A per-install suffix: two trusted CAs with one name confuse chain building.
    { name: 'commonName', value: `Proxyscope CA ${randomBytes(3).toString('hex')}` },
    { name: 'organizationName', value: 'Proxyscope (local)' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(cert, key);
  return cert;
}

/** Loads the CA from `sslCaDir`, creating it on first run. Key files are 0600. */
export async function loadOrCreateCa(sslCaDir: string): Promise<CertificateAuthority> {
  const paths = caPaths(sslCaDir);
  await mkdir(join(sslCaDir, 'certs'), { recursive: true, mode: 0o700 });
  await mkdir(join(sslCaDir, 'keys'), { recursive: true, mode: 0o700 });
  await chmod(join(sslCaDir, 'keys'), 0o700);
  try {
    const [certPem, keyPem] = await Promise.all([readFile(paths.cert, 'utf8'), readFile(paths.privateKey, 'utf8')]);
    await chmod(paths.privateKey, 0o600);
    return { certPem, cert: pki.certificateFromPem(certPem), key: createPrivateKey(keyPem), certPath: paths.cert, dir: sslCaDir };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Host certificates cached on disk were signed by a previous CA: drop them.
  await rm(join(sslCaDir, 'certs', 'hosts'), { recursive: true, force: true });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = createCaCertificate(publicKeyPem, pair.privateKey);
  const certPem = pki.certificateToPem(cert);
  await writeFileAtomic(paths.privateKey, privateKeyPem, 0o600);
  await writeFileAtomic(paths.publicKey, publicKeyPem, 0o600);
  await writeFileAtomic(paths.cert, certPem, 0o644);
  return { certPem, cert, key: pair.privateKey, certPath: paths.cert, dir: sslCaDir };
}
