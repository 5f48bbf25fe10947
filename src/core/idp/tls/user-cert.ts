import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { usageError } from '../../errors.js';

/**
 * A user's own certificate and key (`--tls-cert FILE --tls-key FILE`, or `[idp] tls_cert`/`tls_key`):
 * each file is read and checked before the server starts, and every error names the flag (or key)
 * and the file: missing, unreadable, not PEM, or a key that is not the certificate's.
 */

export interface UserTlsSource {
  certFile: string;
  keyFile: string;
  /** How the user named each file: `--tls-cert` or `[idp] tls_cert`. */
  certName: string;
  keyName: string;
}

async function readPem(file: string, name: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw usageError('ERR_TLS_FILE', `cannot read ${name} ${file}: ${why}`, {
      where: file,
      hint: `give ${name} the path of a readable PEM ${what}`,
    });
  }
}

function parseCert(pem: string, source: UserTlsSource): X509Certificate {
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate block');
    return new X509Certificate(pem);
  } catch {
    throw usageError(
      'ERR_TLS_NOT_PEM',
      `${source.certName} ${source.certFile} is not a PEM certificate`,
      {
        where: source.certFile,
        hint: `give a file that starts with -----BEGIN CERTIFICATE----- (e.g. openssl x509 -in cert.der -inform der -out cert.pem)`,
      },
    );
  }
}

function parseKey(pem: string, source: UserTlsSource): KeyObject {
  if (pem.includes('ENCRYPTED'))
    throw usageError(
      'ERR_TLS_NOT_PEM',
      `${source.keyName} ${source.keyFile} is encrypted with a passphrase`,
      {
        where: source.keyFile,
        hint: `decrypt it first: openssl pkey -in ${source.keyFile} -out key.pem`,
      },
    );
  try {
    const key = createPrivateKey(pem);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new Error('not PEM');
    return key;
  } catch {
    throw usageError(
      'ERR_TLS_NOT_PEM',
      `${source.keyName} ${source.keyFile} is not a PEM private key`,
      {
        where: source.keyFile,
        hint: 'give the unencrypted key file that starts with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)',
      },
    );
  }
}

/** The PEM texts for https.createServer, once both files are read and the key matches. */
export async function loadUserTls(source: UserTlsSource): Promise<{ cert: string; key: string }> {
  const [certPem, keyPem] = await Promise.all([
    readPem(source.certFile, source.certName, 'certificate'),
    readPem(source.keyFile, source.keyName, 'private key'),
  ]);
  const cert = parseCert(certPem, source);
  const key = parseKey(keyPem, source);
  if (!cert.checkPrivateKey(key))
    throw usageError(
      'ERR_TLS_KEY_MISMATCH',
      `${source.keyName} ${source.keyFile} is not the private key of ${source.certName} ${source.certFile}`,
      {
        where: source.keyFile,
        hint: 'give the key the certificate was issued for (their public keys must be the same)',
      },
    );
  return { cert: certPem, key: keyPem };
}
