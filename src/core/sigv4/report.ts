/**
 * The human text of a verify result (the CLI colours it). Signatures are shortened: a reader
 * needs to tell two apart, not to copy one.
 */
import { printable } from '../terminal.js';
import type { VerifySignedRequestResult } from './verify-types.js';
import { maskSecurityTokens } from './mask-tokens.js';

export { maskSecurityTokens } from './mask-tokens.js';

export interface ReportStyle {
  ok: (text: string) => string;
  bad: (text: string) => string;
  warn: (text: string) => string;
  dim: (text: string) => string;
}

const plain: ReportStyle = { ok: (t) => t, bad: (t) => t, warn: (t) => t, dim: (t) => t };

export function shortSignature(signature: string): string {
  return signature.length > 12
    ? `${signature.slice(0, 8)}…`
    : signature
      ? `${signature.slice(0, 2)}…`
      : '(none)';
}

const SCHEME_NAMES: Record<VerifySignedRequestResult['scheme'], string> = {
  'sigv4-header': 'SigV4 header auth',
  'sigv4-query': 'SigV4 presigned URL',
  'sigv2-header': 'SigV2 header auth (S3)',
  'sigv2-query': 'SigV2 query auth (S3)',
};

/**
 * The text report of `sigv4 verify`: scheme, scope, signed headers, every finding and the canonical-request diff.
 */
export function formatVerifyReport(
  result: VerifySignedRequestResult,
  style: ReportStyle = plain,
): string {
  const lines: string[] = [];
  const scope = result.scope
    ? `, scope ${result.scope.date}/${result.scope.region}/${result.scope.service}`
    : '';
  lines.push(
    `${SCHEME_NAMES[result.scheme]}, access key ${result.accessKeyId || '(none)'}${scope}`,
  );
  if (result.signedHeaders)
    lines.push(`signed headers: ${result.signedHeaders.join(';') || '(none)'}`);
  const verdict = result.signatureMatches ? style.ok('matches') : style.bad('DOES NOT MATCH');
  lines.push(
    `signature: ${verdict} (provided ${shortSignature(result.providedSignature)}, expected ${shortSignature(result.expectedSignature)})`,
  );
  if (result.findings.length) {
    lines.push('');
    for (const f of result.findings) {
      const mark = f.severity === 'error' ? style.bad('✗') : style.warn('!');
      lines.push(`${mark} [${f.stage}] ${f.message} ${style.dim(`(${f.code})`)}`);
      if (f.hint) lines.push(`    hint: ${f.hint}`);
    }
  }
  if (result.diff?.some((d) => !d.same)) {
    lines.push(
      '',
      `${result.scheme.startsWith('sigv2') ? 'string to sign' : 'canonical request'}, ours (-) vs the service (+):`,
    );
    for (const d of result.diff) {
      if (d.same) lines.push(style.dim(`  ${d.label.padEnd(22)} ${d.ours ?? ''}`));
      else {
        lines.push(style.bad(`- ${d.label.padEnd(22)} ${d.ours ?? '(absent)'}`));
        lines.push(style.ok(`+ ${d.label.padEnd(22)} ${d.theirs ?? '(absent)'}`));
      }
    }
  }
  lines.push(
    '',
    result.valid
      ? style.ok('OK: the service should accept this request')
      : style.bad('FAIL: the service will reject this request'),
  );
  return lines.join('\n');
}

/** Hides the session token inside a canonical request or header dump (for --verbose output). */
export function maskToken(text: string, token: string | undefined): string {
  if (!token || token.length < 8) return text;
  const masked = `${token.slice(0, 4)}…(${token.length} chars)`;
  return text.split(token).join(masked).split(encodeURIComponent(token)).join(masked);
}

/**
 * The copy of a verify result that any output (text, JSON, diff) may show: every session token
 * (the caller's, and any in a service's error body) and the given secrets masked, and control
 * characters from the request replaced, in every string of it.
 */
export function presentable<T>(value: T, secrets: ReadonlyArray<string | undefined>): T {
  const clean = (text: string) =>
    printable(
      secrets.reduce<string>((t, secret) => maskToken(t, secret), maskSecurityTokens(text)),
    );
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
