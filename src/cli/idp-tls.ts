import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { usageError } from '../core/errors.js';
import type { ServeTls } from '../core/idp/tls/serve.js';
import type { Deps, Io } from './command.js';

/**
 * `idp serve --tls` at the CLI edge: which certificate (flags over `[idp] tls`/`tls_cert`/`tls_key`,
 * config paths relative to the config file), the checks that need both sources, and the lines that
 * tell a user how to trust the local CA. The work is core's (core/idp/tls/).
 */

export interface TlsFlags {
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

/** Parse-time: a certificate needs its key and the other way round. */
export function checkTlsFlags(
  flags: TlsFlags,
  [certName, keyName] = ['--tls-cert', '--tls-key'],
): void {
  if ((flags.tlsCert === undefined) === (flags.tlsKey === undefined)) return;
  const [given, missing] = flags.tlsCert === undefined ? [keyName, certName] : [certName, keyName];
  throw usageError('ERR_TLS_FLAGS', `${given} needs ${missing} too`, {
    where: given,
    hint: `give both: ${certName} cert.pem ${keyName} key.pem (or --tls alone for a local CA)`,
  });
}

type IdpSection = { tls?: boolean; tls_cert?: string; tls_key?: string; issuer_url?: string };

/** The pair from the flags, else from AUTHCTL_TLS_CERT/AUTHCTL_TLS_KEY (both relative to cwd). */
function flagSource(deps: Deps, flags: TlsFlags, env: TlsFlags) {
  const [cert, key, names] =
    flags.tlsCert !== undefined
      ? [flags.tlsCert, flags.tlsKey, ['--tls-cert', '--tls-key']]
      : [env.tlsCert, env.tlsKey, ['AUTHCTL_TLS_CERT', 'AUTHCTL_TLS_KEY']];
  if (cert === undefined && key === undefined) return undefined;
  checkTlsFlags({ tlsCert: cert, tlsKey: key }, names as [string, string]);
  return {
    certFile: path.resolve(deps.cwd, cert!),
    keyFile: path.resolve(deps.cwd, key!),
    certName: names[0]!,
    keyName: names[1]!,
  };
}

/** The user's own files: flags, else environment, else config (relative to the config file). */
async function userSource(deps: Deps, flags: TlsFlags, env: TlsFlags, idp: IdpSection) {
  const fromFlags = flagSource(deps, flags, env);
  if (fromFlags) return fromFlags;
  if (idp.tls_cert === undefined && idp.tls_key === undefined) return undefined;
  if (idp.tls_cert === undefined || idp.tls_key === undefined)
    throw usageError('ERR_TLS_FLAGS', '[idp] tls_cert and tls_key go together', {
      where: idp.tls_cert === undefined ? '[idp] tls_key' : '[idp] tls_cert',
      hint: 'set both in the config file, or neither (tls = true alone makes a local CA)',
    });
  const { filepath } = await deps.config();
  const base = filepath ? path.dirname(filepath) : deps.cwd;
  return {
    certFile: path.resolve(base, idp.tls_cert),
    keyFile: path.resolve(base, idp.tls_key),
    certName: '[idp] tls_cert',
    keyName: '[idp] tls_key',
  };
}

/** The certificate `idp serve` listens with, or undefined for plain HTTP. */
export async function tlsForServe(
  io: Pick<Io, 'info' | 'warn'>,
  deps: Deps,
  flags: TlsFlags & { issuerUrl?: string },
  idp: IdpSection,
  host: string,
  env: TlsFlags = {},
): Promise<ServeTls | undefined> {
  const user = await userSource(deps, flags, env, idp);
  if (!flags.tls && !idp.tls && !user) return undefined;
  const issuerUrl = flags.issuerUrl ?? idp.issuer_url;
  if (issuerUrl?.startsWith('http:'))
    throw usageError(
      'ERR_TLS_ISSUER_URL',
      `the issuer serves HTTPS but ${flags.issuerUrl ? '--issuer-url' : '[idp] issuer_url'} is ${issuerUrl}`,
      {
        where: flags.issuerUrl ? '--issuer-url' : '[idp] issuer_url',
        hint: `publish ${issuerUrl.replace(/^http:/, 'https:')} instead, or serve plain HTTP (without --tls)`,
      },
    );
  const { serveTls } = await import('../core/idp/tls/serve.js');
  const tls = await serveTls({
    home: await deps.home(),
    host,
    urls: issuerUrl ? [issuerUrl] : [],
    user,
    now: deps.now().getTime(),
  });
  const names = tls.summary.names.join(', ');
  if (tls.created === 'ca')
    io.info(`created a local CA (${tls.caCertFile}) and a server certificate for ${names}`);
  else if (tls.created === 'cert')
    io.info(`issued a new server certificate for ${names} (same CA: ${tls.caCertFile})`);
  if (Date.parse(tls.summary.notAfter) <= deps.now().getTime())
    io.warn(`${tls.certFile} expired on ${tls.summary.notAfter}: clients will refuse it`);
  return tls;
}

/** How to trust the local CA, tool by tool (the text form of the ready line). */
export function trustLines(caCert: string, discovery: string): string[] {
  const q = /[^\w@%+=:,./-]/.test(caCert) ? `'${caCert.replace(/'/g, `'\\''`)}'` : caCert;
  return [
    `Trust its CA (${caCert}):`,
    `  export NODE_EXTRA_CA_CERTS=${q}   # Node.js`,
    `  export SSL_CERT_FILE=${q}         # OpenSSL-based tools, Go, Ruby (replaces the system CAs)`,
    `  export REQUESTS_CA_BUNDLE=${q}    # Python requests (replaces certifi's CAs)`,
    `  curl --cacert ${q} ${discovery}`,
    `  keytool -importcert -noprompt -alias authctl-local-ca -file ${q} -keystore authctl-ca.p12 -storepass changeit   # Java: -Djavax.net.ssl.trustStore=authctl-ca.p12`,
  ];
}

/** `--ca FILE` of the verbs that call a running issuer (wait, doctor, the control verbs). */
export const caOption = () =>
  new Option(
    '--ca <file>',
    'CA certificate to trust for an https issuer (default: <home>/tls/ca.pem of `idp serve --tls`, when there)',
  );

/**
 * The CA to trust for `url`: `--ca FILE` (checked), else for an https URL the local CA of the home
 * when `idp serve --tls` made one (NODE_EXTRA_CA_CERTS works as well: Node's fetch reads it).
 */
export async function caFor(
  deps: Deps,
  url: string | undefined,
  caFlag: string | undefined,
): Promise<{ file: string; pem: string } | undefined> {
  const { readCaFile } = await import('../core/idp/tls/fetch.js');
  if (caFlag !== undefined) {
    const file = path.resolve(deps.cwd, caFlag);
    return { file, pem: await readCaFile(file, '--ca') };
  }
  if (!url?.startsWith('https:')) return undefined;
  const { tlsPaths } = await import('../core/idp/tls/local-ca.js');
  const file = tlsPaths(await deps.home()).caCert;
  const pem = await readFile(file, 'utf8').catch(() => undefined);
  return pem === undefined ? undefined : { file, pem };
}

/** A fetch that trusts `caFor`'s CA (the global fetch when there is none). */
export async function fetchFor(
  deps: Deps,
  url: string | undefined,
  caFlag: string | undefined,
): Promise<typeof fetch> {
  const ca = await caFor(deps, url, caFlag);
  if (!ca) return deps.fetch;
  const { fetchTrusting } = await import('../core/idp/tls/fetch.js');
  return fetchTrusting(ca.pem);
}
