import type { JWTAlgorithm } from '../keys/algorithms.js';
import { parseAlgorithm } from '../keys/algorithms.js';
import type { Keystore } from '../keys/keystore.js';
import { shellQuote } from '../terminal.js';
import type { ClaimsMapping } from '../token/claims.js';
import { decodeToken } from '../token/decode.js';
import type { MintTokenOptions } from '../token/mint.js';
import type { JwtTemplate } from './credential-types.js';

// Token templates: what a valid token of a credential carries, re-minted with defects by the cases
// and reproduced as `authctl token mint ...` commands in reports.

export const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

const memo = new WeakMap<JwtTemplate, Omit<MintTokenOptions, 'keystore'>>();

/**
 * Mint options reproducing a template (plus whatever the caller overrides): one frozen object per
 * template, so the probe's token cache keys it once for all its cases (run/setup.ts).
 */
export function mintOptions(template: JwtTemplate): Omit<MintTokenOptions, 'keystore'> {
  let options = memo.get(template);
  if (!options) memo.set(template, (options = Object.freeze(optionsOf(template))));
  return options;
}

function optionsOf(template: JwtTemplate): Omit<MintTokenOptions, 'keystore'> {
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
  const pairs: Array<[string, string | undefined]> = [
    ['--iss', o.issuer],
    ...(o.audience ?? []).map((aud): [string, string] => ['--aud', aud]),
    ['--sub', o.subject],
    ['--alg', o.alg && o.alg !== 'RS256' ? o.alg : undefined],
    ['--tenant', o.tenant],
    ...(o.roles ?? []).map((role): [string, string] => ['--role', role]),
    ...(o.scopes ?? []).map((scope): [string, string] => ['--scope', scope]),
    ['--tenant-claim', o.mapping?.tenantClaim],
    ['--roles-claim', o.mapping?.rolesClaim],
    ['--scope-claim', o.mapping?.scopeClaim],
    ...claimFlags(o.claims),
    ...flagPairs(secretFlags ?? []),
    ...defectFlags(o),
  ];
  const args = ['authctl', ...(template.cliGlobals ?? []).map(shellQuote), 'token', 'mint'];
  for (const [flag, value] of pairs) if (value !== undefined) args.push(flag, shellQuote(value));
  return args.join(' ');
}

const claimFlags = (claims: Record<string, unknown> = {}): Array<[string, string]> =>
  Object.entries(claims)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ['--claim', `${key}=${JSON.stringify(value)}`]);

/** `['--secret-env', 'VAR', ...]` as flag/value pairs. */
function flagPairs(flags: string[]): Array<[string, string | undefined]> {
  const pairs: Array<[string, string | undefined]> = [];
  for (let i = 0; i + 1 < flags.length; i += 2) pairs.push([flags[i]!, flags[i + 1]]);
  return pairs;
}

function defectFlags(o: Omit<MintTokenOptions, 'keystore'>): Array<[string, string | undefined]> {
  const defects = [o.defect ?? []].flat();
  const pairs: Array<[string, string | undefined]> = defects.map((d) => [
    '--defect',
    d.variant ? `${d.kind}:${d.variant}` : d.kind,
  ]);
  if (defects.some((d) => d.kind === 'jku')) pairs.push(['--jku-url', o.jkuUrl]);
  return pairs;
}
