import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, rootCertificates } from 'node:tls';
import { describeCert } from './describe.js';
import { RENEW_DAYS } from './local-ca.js';

/** `idp doctor` on an https URL: the certificate the issuer presents, and whether it is trusted. */

export interface TlsCheck {
  name: 'tls';
  ok: boolean;
  detail: string;
  hint?: string;
}

export interface DoctorCa {
  /** The CA file trusted besides the system CAs (`--ca`, or the home's local CA). */
  file: string;
  pem: string;
}

interface Handshake {
  cert?: X509Certificate;
  authorizationError?: string;
  error?: string;
}

function handshake(url: URL, ca: DoctorCa | undefined, timeoutMs: number): Promise<Handshake> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      ca: ca ? [...rootCertificates, ca.pem] : undefined,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (result: Handshake) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => {
      const error = socket.authorized ? undefined : String(socket.authorizationError);
      done({
        cert: socket.getPeerX509Certificate(),
        authorizationError: error,
      });
    });
    socket.once('timeout', () => done({ error: 'timed out' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ error: error.code ?? error.message }),
    );
  });
}

const trustHint = (ca: DoctorCa | undefined) =>
  ca
    ? `the certificate is not signed by ${ca.file} (nor a system CA): was the home's tls/ directory removed since the service trusted it? pass --ca with the CA \`idp serve\` printed`
    : 'trust the CA `authctl idp serve --tls` printed: --ca <home>/tls/ca.pem here, NODE_EXTRA_CA_CERTS / SSL_CERT_FILE / REQUESTS_CA_BUNDLE for the service';

/** The TLS check of one https URL: names, expiry, issuer, and the CA it was checked against. */
export async function tlsCheck(
  url: URL,
  ca: DoctorCa | undefined,
  options: { timeoutMs: number; now: number },
): Promise<TlsCheck> {
  const result = await handshake(url, ca, options.timeoutMs);
  if (!result.cert)
    return {
      name: 'tls',
      ok: false,
      detail: `no TLS handshake: ${result.error ?? 'no certificate'}`,
    };
  const summary = describeCert(result.cert);
  const left = Math.floor((Date.parse(summary.notAfter) - options.now) / 86_400_000);
  const detail = `certificate for ${summary.names.join(', ') || summary.subject}, expires ${summary.notAfter.slice(0, 10)} (${left} days), issued by ${summary.issuer}; CA ${ca ? ca.file : 'the system CAs'}`;
  // The name first: Node reports a name mismatch as an authorization error too.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const named = isIP(host) ? result.cert.checkIP(host) : result.cert.checkHost(host);
  if (named === undefined)
    return {
      name: 'tls',
      ok: false,
      detail: `${detail}: it does not name ${url.hostname}`,
      hint: `restart \`idp serve --tls\` with --issuer-url ${url.origin} (the server certificate is re-issued for its names)`,
    };
  if (result.authorizationError)
    return {
      name: 'tls',
      ok: false,
      detail: `${detail}: not trusted (${result.authorizationError})`,
      hint: trustHint(ca),
    };
  if (left < 0)
    return {
      name: 'tls',
      ok: false,
      detail: `${detail}: expired`,
      hint: 'restart `idp serve --tls` (it re-issues an expiring certificate)',
    };
  if (left < RENEW_DAYS)
    return { name: 'tls', ok: true, detail: `${detail} (renewed at the next start)` };
  return { name: 'tls', ok: true, detail };
}
