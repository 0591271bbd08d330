// The app's own certificate authority and the leaf key its host certificates share:
// created once per CA dir (DATA_DIR/ca unless several data dirs share one), reused after.
// Files follow http-mitm-proxy's layout (certs/ca.pem, keys/ca.private.key,
// keys/ca.public.key) so its CA loader finds ours instead of writing a 0644 key.
import { generateKeyPair, randomBytes, sign, type KeyObject, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { withCreationLock } from '../files/creationLock.js';
import { writeFileAtomic } from '../files/writeFileAtomic.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const { pki, asn1 } = forge;

export interface CertificateAuthority {
  certPem: string;
  cert: forge.pki.Certificate;
  key: KeyObject;
  certPath: string;
  dir: string;
  /** The one key pair every host certificate is issued for. */
  leafKeyPem: string;
  leafKeyPath: string;
}

export function caPaths(sslCaDir: string) {
  return {
    cert: join(sslCaDir, 'certs', 'ca.pem'),
    privateKey: join(sslCaDir, 'keys', 'ca.private.key'),
    publicKey: join(sslCaDir, 'keys', 'ca.public.key'),
    leafKey: join(sslCaDir, 'keys', 'leaf.private.key'),
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

interface KeyFiles {
  pem: string;
  key: KeyObject;
}

/** The file's text, or null when there is none (any other error, e.g. EACCES, is not a reason to make a new CA). */
async function readIfThere(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readKey(path: string): Promise<KeyFiles | null> {
  const pem = await readIfThere(path);
  return pem === null ? null : { pem, key: createPrivateKey(pem) };
}

/** What the CA dir holds; null for each file that is not there. */
interface CaFiles {
  certPem: string | null;
  caKey: KeyObject | null;
  leafKeyPem: string | null;
}

async function readCaFiles(sslCaDir: string): Promise<CaFiles> {
  const paths = caPaths(sslCaDir);
  const [certPem, caKey, leaf] = await Promise.all([readIfThere(paths.cert), readKey(paths.privateKey), readKey(paths.leafKey)]);
  return { certPem, caKey: caKey?.key ?? null, leafKeyPem: leaf?.pem ?? null };
}

function caOf(sslCaDir: string, f: CaFiles): CertificateAuthority | null {
  if (f.certPem === null || f.caKey === null || f.leafKeyPem === null) return null;
  const paths = caPaths(sslCaDir);
  return { certPem: f.certPem, cert: pki.certificateFromPem(f.certPem), key: f.caKey, certPath: paths.cert, dir: sslCaDir, leafKeyPem: f.leafKeyPem, leafKeyPath: paths.leafKey };
}

const newRsaKey = () => generateKeyPairAsync('rsa', { modulusLength: 2048 });
const privatePem = (key: KeyObject) => key.export({ type: 'pkcs1', format: 'pem' }).toString();

/** Writes what is missing of the CA and the leaf key, and returns the whole; both keys are made side by side, off the event loop. */
async function createMissing(sslCaDir: string, f: CaFiles): Promise<CaFiles> {
  const paths = caPaths(sslCaDir);
  const needCa = f.certPem === null || f.caKey === null;
  const [caPair, leafPair] = await Promise.all([needCa ? newRsaKey() : null, f.leafKeyPem === null ? newRsaKey() : null]);
  // Host certificates cached on disk were signed by a previous CA, or name a previous leaf key: drop them.
  await rm(join(sslCaDir, 'certs', 'hosts'), { recursive: true, force: true });
  const made = { ...f };
  if (leafPair) {
    made.leafKeyPem = privatePem(leafPair.privateKey);
    await writeFileAtomic(paths.leafKey, made.leafKeyPem, 0o600);
  }
  if (caPair) {
    const publicKeyPem = caPair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    made.certPem = pki.certificateToPem(createCaCertificate(publicKeyPem, caPair.privateKey));
    made.caKey = caPair.privateKey;
    await writeFileAtomic(paths.privateKey, privatePem(caPair.privateKey), 0o600);
    await writeFileAtomic(paths.publicKey, publicKeyPem, 0o600);
    await writeFileAtomic(paths.cert, made.certPem, 0o644);
  }
  return made;
}

/**
 * Loads the CA and the leaf key from `sslCaDir`, creating them on first run. Key files are 0600.
 * Several data dirs may share one CA dir, so creation happens under a lock and the losers read the winner's.
 */
export async function loadOrCreateCa(sslCaDir: string): Promise<CertificateAuthority> {
  await mkdir(join(sslCaDir, 'certs'), { recursive: true, mode: 0o700 });
  await mkdir(join(sslCaDir, 'keys'), { recursive: true, mode: 0o700 });
  await chmod(join(sslCaDir, 'keys'), 0o700);
  const existing = caOf(sslCaDir, await readCaFiles(sslCaDir));
  if (existing) {
    await chmod(caPaths(sslCaDir).privateKey, 0o600);
    return existing;
  }
  return withCreationLock(join(sslCaDir, 'keys', 'create.lock'), async () => {
    const found = await readCaFiles(sslCaDir);
    return caOf(sslCaDir, found) ?? caOf(sslCaDir, await createMissing(sslCaDir, found))!;
  });
}
