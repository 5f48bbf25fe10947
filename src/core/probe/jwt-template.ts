import type { JWTAlgorithm } from '../keys/algorithms.js';
import { parseAlgorithm } from '../keys/algorithms.js';
import type { Keystore } from '../keys/keystore.js';
import { shellQuote } from '../sigv4/curl.js';
import type { ClaimsMapping } from '../token/claims.js';
import { decodeToken } from '../token/decode.js';
import type { MintTokenOptions } from '../token/mint.js';
import type { JwtTemplate } from './credential-types.js';

// Token templates: what a valid token of a credential carries, re-minted with defects by the cases
// and reproduced as `authctl token mint ...` commands in reports.

export const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** Mint options reproducing a template (plus whatever the caller overrides). */
export function mintOptions(template: JwtTemplate): Omit<MintTokenOptions, 'keystore'> {
  return {
    issuer: template.issuer,
    subject: template.subject,
    audience: template.audience,
    ttlSeconds: template.ttlSeconds,
    alg: template.alg,
    scopes: template.scopes,
    roles: template.roles,
    tenant: template.tenant,
    claims: template.claims,
    header: template.header,
    mapping: template.mapping,
    secret: template.secret,
  };
}

const REGISTERED = new Set(['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti']);

/**
 * A template from a token someone else issued (the mock issuer, or a real one from an env var):
 * its claims, re-signable by authctl only when the keystore holds the key its kid names.
 */
export async function templateFromToken(
  token: string,
  keystore: Keystore,
  mapping: Partial<ClaimsMapping>,
): Promise<JwtTemplate> {
  const { header, claims } = decodeToken(token);
  let alg: JWTAlgorithm = 'RS256';
  try {
    alg = parseAlgorithm(String(header.alg), 'token alg');
  } catch {
    // keep RS256 for forgeries
  }
  const jwks = await keystore.jwks();
  const signable = typeof header.kid === 'string' && jwks.keys.some((k) => k.kid === header.kid);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims)) if (!REGISTERED.has(key)) extra[key] = value;
  const ttl =
    typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? claims.exp - claims.iat
      : undefined;
  return {
    issuer: String(claims.iss ?? ''),
    audience: list(claims.aud as string | string[] | undefined),
    subject: claims.sub === undefined ? undefined : String(claims.sub),
    alg,
    ttlSeconds: ttl && ttl > 0 ? ttl : undefined,
    claims: extra,
    header: {},
    mapping,
    signable,
    origin: 'token',
  };
}

/**
 * The `authctl token mint` command that makes the same token (another jti and iat), so a redacted
 * curl command still reproduces a finding: `-H "Authorization: Bearer $(authctl token mint ...)"`.
 */
export function mintCommand(
  template: JwtTemplate,
  overrides: Omit<MintTokenOptions, 'keystore'> = {},
  secretFlags = template.secretFlags,
): string | undefined {
  if (template.origin !== 'spec') return undefined;
  const o = { ...mintOptions(template), ...overrides };
  const args = ['authctl', ...(template.cliGlobals ?? []).map(shellQuote), 'token', 'mint'];
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined) args.push(flag, shellQuote(value));
  };
  add('--iss', o.issuer);
  for (const aud of o.audience ?? []) add('--aud', aud);
  add('--sub', o.subject);
  if (o.alg && o.alg !== 'RS256') add('--alg', o.alg);
  add('--tenant', o.tenant);
  for (const role of o.roles ?? []) add('--role', role);
  for (const scope of o.scopes ?? []) add('--scope', scope);
  add('--tenant-claim', o.mapping?.tenantClaim);
  add('--roles-claim', o.mapping?.rolesClaim);
  add('--scope-claim', o.mapping?.scopeClaim);
  for (const [key, value] of Object.entries(o.claims ?? {}))
    if (value !== undefined) add('--claim', `${key}=${JSON.stringify(value)}`);
  for (let i = 0; i + 1 < (secretFlags ?? []).length; i += 2)
    add(secretFlags![i]!, secretFlags![i + 1]);
  const defects = [o.defect ?? []].flat();
  for (const defect of defects)
    add('--defect', defect.variant ? `${defect.kind}:${defect.variant}` : defect.kind);
  if (defects.some((d) => d.kind === 'jku')) add('--jku-url', o.jkuUrl);
  return args.join(' ');
}
