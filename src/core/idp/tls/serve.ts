import { describeCert, type CertSummary } from './describe.js';
import { ensureLocalTls } from './local-ca.js';
import { serverNames } from './names.js';
import { loadUserTls, type UserTlsSource } from './user-cert.js';

/** What `idp serve --tls` listens with, and what it tells the user about it. */
export interface ServeTls {
  cert: string;
  key: string;
  /** The local CA to trust; undefined with the user's own certificate. */
  caCertFile?: string;
  /** The server certificate's file (the local one, or the user's). */
  certFile: string;
  summary: CertSummary;
  /** This start made a new local CA, or a new server certificate under the same CA. */
  created?: 'ca' | 'cert';
}

export interface ServeTlsOptions {
  /** The keystore home: the local CA goes in `<home>/tls/`. */
  home: string;
  /** The bind address and the published URLs: the names the local certificate must cover. */
  host: string;
  urls: readonly string[];
  /** The user's own certificate and key instead of the local CA. */
  user?: UserTlsSource;
  now: number;
}

/** The certificate and key to serve: the user's own, or the home's local CA's (made as needed). */
export async function serveTls(options: ServeTlsOptions): Promise<ServeTls> {
  if (options.user) {
    const { cert, key } = await loadUserTls(options.user);
    return { cert, key, certFile: options.user.certFile, summary: describeCert(cert) };
  }
  const local = await ensureLocalTls({
    home: options.home,
    names: serverNames(options.host, options.urls),
    now: options.now,
  });
  return {
    cert: local.cert,
    key: local.key,
    caCertFile: local.caCertFile,
    certFile: local.certFile,
    summary: describeCert(local.cert),
    created: local.created,
  };
}
