import { environmentError } from '../errors.js';

export interface WaitForIssuerOptions {
  /** Give up after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  intervalMs?: number;
}

export interface WaitForIssuerResult {
  url: string;
  issuer: string;
  ms: number;
  attempts: number;
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Polls `{url}/.well-known/openid-configuration` until it answers with a discovery document. */
export async function waitForIssuer(url: string, options: WaitForIssuerOptions = {}): Promise<WaitForIssuerResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const interval = options.intervalMs ?? 100;
  const started = Date.now();
  const target = discoveryUrl(url);
  let attempts = 0;
  let last = 'no answer yet';
  while (true) {
    attempts++;
    try {
      const response = await fetch(target, { signal: AbortSignal.timeout(Math.max(500, Math.min(5000, timeoutMs))) });
      if (response.ok) {
        const doc = (await response.json()) as { issuer?: string };
        if (typeof doc.issuer === 'string') return { url: target, issuer: doc.issuer, ms: Date.now() - started, attempts };
        last = 'the answer has no "issuer"';
      } else last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    }
    if (Date.now() - started + interval > timeoutMs) {
      throw environmentError('ERR_ISSUER_UNREACHABLE', `issuer did not answer within ${timeoutMs < 10_000 ? `${(timeoutMs / 1000).toFixed(1)}s` : `${Math.round(timeoutMs / 1000)}s`} (last: ${last})`, {
        where: target,
        hint: 'is `authctl idp serve` running on that host and port? raise --timeout for slow starts',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
