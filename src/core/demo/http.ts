import type { DemoRequest } from './scenarios.js';

// The demo's own calls to the example service, and the curl lines a user could copy.

export interface Reply {
  status: number;
  challenge?: string;
  excerpt: string;
}

export async function send(
  base: string,
  request: DemoRequest,
  token?: string,
  signal?: AbortSignal,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: signal
      ? AbortSignal.any([signal, AbortSignal.timeout(10_000)])
      : AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate') ?? undefined,
    excerpt: oneLine.length > 100 ? `${oneLine.slice(0, 100)}…` : oneLine,
  };
}

export function curl(base: string, request: DemoRequest, token?: string): string {
  const parts = ['curl -i'];
  if (request.method !== 'GET') parts.push(`-X ${request.method}`);
  if (token) parts.push(`-H "Authorization: Bearer ${token}"`);
  if (request.body !== undefined)
    parts.push(`-H 'content-type: application/json' -d '${JSON.stringify(request.body)}'`);
  parts.push(`${base}${request.path}`);
  return parts.join(' ');
}

export const shellQuote = (s: string) =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/** The claims a reader cares about (iat/jti/nbf dropped). */
export function keyClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) if (!['iat', 'nbf', 'jti'].includes(k)) out[k] = v;
  return out;
}
