import { isIP } from 'node:net';

/** The names every local certificate covers: how a developer's tools reach 127.0.0.1. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/**
 * A host name as a certificate names it: no brackets around IPv6, lower case, no trailing dot, an
 * IPv6 address in its short form (Node prints `::1` from a certificate as `0:0:0:0:0:0:0:1`).
 */
export function certName(host: string): string {
  const name = host
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');
  return isIP(name) === 6 ? new URL(`http://[${name}]`).hostname.slice(1, -1) : name;
}

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '']);

/**
 * The names the server certificate must hold: the loopback names, the bind address (unless it is a
 * wildcard such as 0.0.0.0, which no client connects to) and the host of each published URL
 * (`--issuer-url`). Sorted, so the same inputs give the same list.
 */
export function serverNames(host: string | undefined, urls: readonly string[]): string[] {
  const names = new Set<string>(LOOPBACK_NAMES);
  if (host !== undefined && !WILDCARD_BINDS.has(certName(host))) names.add(certName(host));
  for (const url of urls) {
    const hostname = certName(new URL(url).hostname);
    if (hostname && !WILDCARD_BINDS.has(hostname)) names.add(hostname);
  }
  return [...names].sort();
}

/** `IP:...` or `DNS:...`, as a subjectAltName entry. */
export const isIpName = (name: string): boolean => isIP(name) !== 0;

/**
 * The names of Node's `X509Certificate.subjectAltName` string ("DNS:localhost, IP Address:::1"),
 * sorted. IP addresses come back as Node prints them (IPv6 in full lower-case form).
 */
export function namesOfSubjectAltName(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.*)$/.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined)
    .map(certName)
    .sort();
}
