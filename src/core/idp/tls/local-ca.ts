import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { environmentError } from '../../errors.js';
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from '../../fs/atomic.js';
import { withFileLock } from '../../fs/lock.js';
import type { PemPair } from './generate.js';
import { namesOfSubjectAltName } from './names.js';

/**
 * The local CA and the server certificate of `idp serve --tls`, in `<home>/tls/` beside keys.json:
 * made once, then reused, so a CA trusted once stays trusted. The server certificate is issued again
 * (same CA) when the names it must cover change, when it has under 30 days left, or when it no
 * longer matches the CA or its key. Two issuers starting at once take turns (a lock on ca.pem).
 */

export const TLS_DIR = 'tls';
export const TLS_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  cert: 'server.pem',
  key: 'server-key.pem',
} as const;

/** Re-issue (or renew the CA) when fewer days than this are left. */
export const RENEW_DAYS = 30;

export interface LocalTls {
  /** PEM of the server certificate and its key, for https.createServer. */
  cert: string;
  key: string;
  /** The files, absolute. */
  caCertFile: string;
  certFile: string;
  /** What this start made: a new CA (to be trusted), a new server certificate (same CA), or neither. */
  created: 'ca' | 'cert' | undefined;
}

export const tlsPaths = (home: string) => {
  const dir = path.join(home, TLS_DIR);
  return {
    dir,
    caCert: path.join(dir, TLS_FILES.caCert),
    caKey: path.join(dir, TLS_FILES.caKey),
    cert: path.join(dir, TLS_FILES.cert),
    key: path.join(dir, TLS_FILES.key),
  };
};

type Paths = ReturnType<typeof tlsPaths>;

const fresh = (cert: X509Certificate, now: number) =>
  Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) - now > RENEW_DAYS * 86_400_000;

const sameNames = (cert: X509Certificate, names: readonly string[]) =>
  namesOfSubjectAltName(cert.subjectAltName).join(',') === [...names].sort().join(',');

/** The CA of the home, if both files are there; a broken pair is an error naming the file. */
async function readCa(paths: Paths): Promise<PemPair | undefined> {
  const [certPem, keyPem] = await Promise.all([
    readFileIfExists(paths.caCert),
    readFileIfExists(paths.caKey),
  ]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem)))
      throw new Error('the key is not the certificate\u2019s');
  } catch (error) {
    throw environmentError(
      'ERR_TLS_CA_BROKEN',
      `the local CA in ${paths.dir} is not usable: ${(error as Error).message}`,
      {
        where: paths.caCert,
        hint: `remove ${paths.dir} to make a new CA (then trust the new ${TLS_FILES.caCert} again)`,
      },
    );
  }
  return { certPem, keyPem };
}

/** The server certificate of the home when it can serve `names` now, else undefined. */
async function reusableServerCert(
  paths: Paths,
  ca: PemPair,
  names: readonly string[],
  now: number,
): Promise<PemPair | undefined> {
  const [certPem, keyPem] = await Promise.all([
    readFileIfExists(paths.cert),
    readFileIfExists(paths.key),
  ]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    const ok =
      cert.verify(new X509Certificate(ca.certPem).publicKey) &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      sameNames(cert, names) &&
      fresh(cert, now);
    return ok ? { certPem, keyPem } : undefined;
  } catch {
    return undefined; // unreadable: issue a new one (the CA, which users trust, is kept)
  }
}

async function writePair(pair: PemPair, certFile: string, keyFile: string): Promise<void> {
  const options = { what: 'TLS file', elsewhere: 'or choose another keystore with {{home}} DIR' };
  await writeFileAtomic(keyFile, pair.keyPem, { ...options, mode: 0o600 });
  await writeFileAtomic(certFile, pair.certPem, { ...options, mode: 0o644 });
}

/** The home's CA and a server certificate for `names`, made or re-issued as needed. */
export async function ensureLocalTls(options: {
  home: string;
  names: readonly string[];
  now: number;
}): Promise<LocalTls> {
  const paths = tlsPaths(options.home);
  await ensurePrivateDir(options.home);
  await ensurePrivateDir(paths.dir);
  return withFileLock(paths.caCert, async () => {
    const generate = await import('./generate.js');
    let created: LocalTls['created'];
    let ca = await readCa(paths);
    if (!ca || !fresh(new X509Certificate(ca.certPem), options.now)) {
      ca = await generate.createLocalCa(options.now);
      await writePair(ca, paths.caCert, paths.caKey);
      created = 'ca';
    }
    let server = await reusableServerCert(paths, ca, options.names, options.now);
    if (!server) {
      server = await generate.issueServerCert(ca, options.names, options.now);
      await writePair(server, paths.cert, paths.key);
      created ??= 'cert';
    }
    return {
      cert: server.certPem,
      key: server.keyPem,
      caCertFile: paths.caCert,
      certFile: paths.cert,
      created,
    };
  });
}
