import { randomBytes, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import { installReflectMetadata } from './reflect.js';
import { isIpName } from './names.js';

/**
 * Writes the local CA and server certificates: node:crypto (its WebCrypto) makes the P-256 keys and
 * signs, @peculiar/x509 lays out the X.509 structures. @peculiar/x509 is a run-time dependency kept
 * outside the bundle and loaded only here, so only `idp serve --tls` (the first time, or when the
 * server certificate is re-issued) pays for it.
 */

export interface PemPair {
  certPem: string;
  keyPem: string;
}

const DAY = 86_400_000;
/** The CA lives ten years: trusted once, it should not need trusting again. */
export const CA_DAYS = 3650;
/** 397 days: the longest server certificate browsers accept (Apple, Chrome). */
export const SERVER_DAYS = 397;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

async function x509Module() {
  installReflectMetadata();
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}

const serial = () => {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
  return bytes.toString('hex');
};

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** Backdated an hour: a client whose clock is a little behind still accepts a fresh certificate. */
const notBefore = (now: number) => new Date(now - 3_600_000);

/** A new local CA: basicConstraints CA (path length 0), keyCertSign + cRLSign, its key id. */
export async function createLocalCa(now: number): Promise<PemPair> {
  const x509 = await x509Module();
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=authctl local development CA (${hostname()}), O=authctl`,
    notBefore: notBefore(now),
    notAfter: new Date(now + CA_DAYS * DAY),
    signingAlgorithm: SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** A server certificate for `names` (DNS and IP subjectAltNames), signed by the CA. */
export async function issueServerCert(
  ca: PemPair,
  names: readonly string[],
  now: number,
): Promise<PemPair> {
  const x509 = await x509Module();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(ca.keyPem),
    EC,
    false,
    ['sign'],
  );
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names.find((n) => !isIpName(n)) ?? names[0]}, O=authctl`,
    issuer: caCert.subject,
    notBefore: notBefore(now),
    notAfter: new Date(now + SERVER_DAYS * DAY),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({
          type: isIpName(value) ? ('ip' as const) : ('dns' as const),
          value,
        })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}
