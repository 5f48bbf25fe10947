import { promises as fs } from 'node:fs';
import { environmentError } from '../errors.js';

export interface WaitForIssuerOptions {
  /** Give up after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  intervalMs?: number;
  /** The HTTP client (default: the global fetch); `fetchTrusting(ca)` for an issuer served with --tls. */
  fetch?: typeof fetch;
}

export interface WaitForIssuerResult {
  url: string;
  issuer: string;
  ms: number;
  attempts: number;
}

/**
 * The OpenID discovery URL of an issuer (`<issuer>/.well-known/openid-configuration`, trailing slashes removed).
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** One look at a discovery document: its issuer, or why not. */
async function askDiscovery(
  target: string,
  timeoutMs: number,
  send: typeof fetch = fetch,
): Promise<{ issuer?: string; last: string }> {
  try {
    const response = await send(target, {
      signal: AbortSignal.timeout(Math.max(500, Math.min(5000, timeoutMs))),
    });
    if (!response.ok) return { last: `HTTP ${response.status}` };
    const doc = (await response.json()) as { issuer?: string };
    return typeof doc.issuer === 'string'
      ? { issuer: doc.issuer, last: 'answered' }
      : { last: 'the answer has no "issuer"' };
  } catch (error) {
    return {
      last:
        (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message,
    };
  }
}

const seconds = (ms: number) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;

/** Repeats `attempt` every interval until it yields a result or the timeout is up. */
async function poll(
  options: WaitForIssuerOptions,
  attempt: (timeoutMs: number) => Promise<{
    result?: Omit<WaitForIssuerResult, 'ms' | 'attempts'>;
    last: string;
    where: string;
  }>,
  hint: string,
): Promise<WaitForIssuerResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const interval = options.intervalMs ?? 100;
  const started = Date.now();
  for (let attempts = 1; ; attempts++) {
    const { result, last, where } = await attempt(timeoutMs);
    if (result) return { ...result, ms: Date.now() - started, attempts };
    if (Date.now() - started + interval > timeoutMs) {
      throw environmentError(
        'ERR_ISSUER_UNREACHABLE',
        `issuer did not answer within ${seconds(timeoutMs)} (last: ${last})`,
        { where, hint },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Polls `{url}/.well-known/openid-configuration` until it answers with a discovery document. */
export function waitForIssuer(
  url: string,
  options: WaitForIssuerOptions = {},
): Promise<WaitForIssuerResult> {
  const target = discoveryUrl(url);
  return poll(
    options,
    async (timeoutMs) => {
      const { issuer, last } = await askDiscovery(target, timeoutMs, options.fetch);
      return { result: issuer ? { url: target, issuer } : undefined, last, where: target };
    },
    'is `authctl idp serve` running on that host and port? raise --timeout for slow starts (an HTTPS issuer: --ca FILE)',
  );
}

/**
 * Waits for the ready file of `authctl idp serve --ready-file FILE`, then for the issuer it names. The
 * file is read again on every attempt: one left by an earlier run names a dead port until the new
 * issuer replaces it.
 */
export function waitForReadyFile(
  file: string,
  options: WaitForIssuerOptions = {},
): Promise<WaitForIssuerResult> {
  return poll(
    options,
    async (timeoutMs) => {
      const ready = await readReadyIssuer(file);
      if (!ready) return { last: `${file} is not written yet`, where: file };
      const target = discoveryUrl(ready.issuer);
      const send = options.fetch ?? (await fetchForReady(ready.caCert));
      const { issuer, last } = await askDiscovery(target, timeoutMs, send);
      return { result: issuer ? { url: target, issuer } : undefined, last, where: target };
    },
    'is `authctl idp serve --ready-file` running with the same file? raise --timeout for slow starts',
  );
}

/** `idp serve --tls` names its CA in the ready file (`caCert`): the wait trusts it. */
async function fetchForReady(caCert: string | undefined): Promise<typeof fetch> {
  if (caCert === undefined) return fetch;
  const { fetchTrusting } = await import('./tls/fetch.js');
  const pem = await fs.readFile(caCert, 'utf8').catch(() => undefined);
  return fetchTrusting(pem);
}

async function readReadyIssuer(
  file: string,
): Promise<{ issuer: string; caCert?: string } | undefined> {
  try {
    const ready = JSON.parse(await fs.readFile(file, 'utf8')) as {
      issuer?: unknown;
      caCert?: unknown;
    };
    if (typeof ready.issuer !== 'string') return undefined;
    return {
      issuer: ready.issuer,
      caCert: typeof ready.caCert === 'string' ? ready.caCert : undefined,
    };
  } catch {
    // Not there yet (the file is renamed into place whole, so a partial read cannot happen).
    return undefined;
  }
}
