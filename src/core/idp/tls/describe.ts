import { X509Certificate } from 'node:crypto';
import { namesOfSubjectAltName } from './names.js';

/** What `idp serve` and `idp doctor` say about a certificate. */
export interface CertSummary {
  names: string[];
  subject: string;
  issuer: string;
  notAfter: string;
  /** SHA-256 of the DER, as `AB:CD:...`. */
  fingerprint256: string;
  selfIssued: boolean;
}

export function describeCert(cert: string | X509Certificate): CertSummary {
  const x = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  return {
    names: namesOfSubjectAltName(x.subjectAltName),
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    notAfter: new Date(x.validTo).toISOString(),
    fingerprint256: x.fingerprint256,
    selfIssued: x.subject === x.issuer,
  };
}
