import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { hostname } from 'node:os';
import { isIpName } from './names.js';

/**
 * Writes the local CA and server certificates: node:crypto makes the P-256 keys and signs the DER,
 * @peculiar/asn1-x509 lays out the X.509 structures (RFC 5280) and @peculiar/asn1-schema encodes
 * them. Both are run-time dependencies kept outside the bundle and loaded only here, so only
 * `idp serve --tls` (the first time, or when the server certificate is re-issued) pays for them.
 */

export interface PemPair {
  certPem: string;
  keyPem: string;
}

const DAY = 86_400_000;
/** The CA lives ten years: trusted once, it should not need trusting again. */
export const CA_DAYS = 3650;
/** 397 days: inside the 398-day limit browsers set for public server certificates. */
export const SERVER_DAYS = 397;
/** ecdsa-with-SHA256 (RFC 5758 §3.2): no parameters. */
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID = { commonName: '2.5.4.3', organization: '2.5.4.10' } as const;

type Asn1 = typeof import('@peculiar/asn1-x509');

async function modules() {
  const [x509, schema] = await Promise.all([
    import('@peculiar/asn1-x509'),
    import('@peculiar/asn1-schema'),
  ]);
  return { x509, AsnConvert: schema.AsnConvert, OctetString: schema.OctetString };
}

function pem(label: string, der: ArrayBuffer | Buffer): string {
  const lines =
    Buffer.from(der as ArrayBuffer)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const fromPem = (text: string) =>
  Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** A positive 16-byte serial number (RFC 5280 §4.1.2.2). */
function serial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return new Uint8Array(bytes).buffer;
}

function name(x509: Asn1, commonName: string) {
  const rdn = (type: string, value: string) =>
    new x509.RelativeDistinguishedName([
      new x509.AttributeTypeAndValue({
        type,
        value: new x509.AttributeValue({ utf8String: value }),
      }),
    ]);
  return new x509.Name([rdn(OID.commonName, commonName), rdn(OID.organization, 'authctl')]);
}

type Name = InstanceType<Asn1['Name']>;

interface Subject {
  name: Name;
  publicKey: KeyObject;
  extensions: { id: string; critical: boolean; value: unknown }[];
}

interface Issuer {
  name: Name;
  privateKey: KeyObject;
  /** The issuer's key identifier (the CA's); a self-signed certificate uses its own. */
  keyId?: Buffer;
}

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
function keyId(spki: { subjectPublicKey: ArrayBuffer }): Buffer {
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

/** A signed certificate for `subject`, by `issuer` (the same key for the self-signed CA). */
async function certificate(
  subject: Subject,
  issuer: Issuer,
  days: number,
  now: number,
): Promise<string> {
  const { x509, AsnConvert, OctetString } = await modules();
  const spki = AsnConvert.parse(
    subject.publicKey.export({ type: 'spki', format: 'der' }),
    x509.SubjectPublicKeyInfo,
  );
  const ownId = keyId(spki);
  const extension = (id: string, critical: boolean, value: unknown) =>
    new x509.Extension({
      extnID: id,
      critical,
      extnValue: new OctetString(AsnConvert.serialize(value)),
    });
  const extensions = [
    ...subject.extensions.map((e) => extension(e.id, e.critical, e.value)),
    extension(x509.id_ce_subjectKeyIdentifier, false, new x509.SubjectKeyIdentifier(ownId)),
    extension(
      x509.id_ce_authorityKeyIdentifier,
      false,
      new x509.AuthorityKeyIdentifier({
        keyIdentifier: new x509.KeyIdentifier(issuer.keyId ?? ownId),
      }),
    ),
  ];
  const algorithm = new x509.AlgorithmIdentifier({ algorithm: ECDSA_SHA256 });
  const tbs = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: serial(),
    signature: algorithm,
    issuer: issuer.name,
    // Backdated an hour: a client whose clock is a little behind still accepts a fresh certificate.
    validity: new x509.Validity({
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + days * DAY),
    }),
    subject: subject.name,
    subjectPublicKeyInfo: spki,
    extensions: new x509.Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, { key: issuer.privateKey, dsaEncoding: 'der' });
  const cert = new x509.Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return pem('CERTIFICATE', AsnConvert.serialize(cert));
}

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A new local CA: basicConstraints CA (path length 0), keyCertSign + cRLSign, its key id. */
export async function createLocalCa(now: number): Promise<PemPair> {
  const { x509 } = await modules();
  const { publicKey, privateKey } = newKey();
  const caName = name(x509, `authctl local development CA (${hostname()})`);
  const usage = new x509.KeyUsage(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  const certPem = await certificate(
    {
      name: caName,
      publicKey,
      extensions: [
        {
          id: x509.id_ce_basicConstraints,
          critical: true,
          value: new x509.BasicConstraints({ cA: true, pathLenConstraint: 0 }),
        },
        { id: x509.id_ce_keyUsage, critical: true, value: usage },
      ],
    },
    { name: caName, privateKey },
    CA_DAYS,
    now,
  );
  return { certPem, keyPem: keyPem(privateKey) };
}

/** A server certificate for `names` (DNS and IP subjectAltNames), signed by the CA. */
export async function issueServerCert(
  ca: PemPair,
  names: readonly string[],
  now: number,
): Promise<PemPair> {
  const { x509, AsnConvert } = await modules();
  const caCert = AsnConvert.parse(fromPem(ca.certPem), x509.Certificate);
  const { publicKey, privateKey } = newKey();
  const altNames = new x509.SubjectAlternativeName(
    names.map((n) => new x509.GeneralName(isIpName(n) ? { iPAddress: n } : { dNSName: n })),
  );
  const certPem = await certificate(
    {
      name: name(x509, names.find((n) => !isIpName(n)) ?? names[0]!),
      publicKey,
      extensions: [
        {
          id: x509.id_ce_basicConstraints,
          critical: true,
          value: new x509.BasicConstraints({ cA: false }),
        },
        {
          id: x509.id_ce_keyUsage,
          critical: true,
          value: new x509.KeyUsage(x509.KeyUsageFlags.digitalSignature),
        },
        {
          id: x509.id_ce_extKeyUsage,
          critical: false,
          value: new x509.ExtendedKeyUsage([x509.id_kp_serverAuth]),
        },
        { id: x509.id_ce_subjectAltName, critical: false, value: altNames },
      ],
    },
    {
      name: caCert.tbsCertificate.subject,
      privateKey: createPrivateKey(ca.keyPem),
      keyId: keyId(caCert.tbsCertificate.subjectPublicKeyInfo),
    },
    SERVER_DAYS,
    now,
  );
  return { certPem, keyPem: keyPem(privateKey) };
}
