import { usageError } from '../errors.js';
import { closest } from '../suggest.js';

/**
 * Deliberately broken tokens for negative tests. Each one is otherwise valid, so a verifier
 * that rejects it proves it checks exactly that one thing.
 */

export const DEFECT_KINDS = [
  'expired',
  'not-yet-valid',
  'wrong-issuer',
  'wrong-audience',
  'bad-signature',
  'alg-none',
  'unknown-kid',
  'hs-confusion',
  'missing-tenant',
  'wrong-tenant',
  'missing-scope',
  'no-exp',
  'null-signature',
  'alg-none-case',
  'blank-secret',
  'psychic-signature',
  'embedded-jwk',
  'jku',
  'kid-injection',
] as const;

export type DefectKind = (typeof DEFECT_KINDS)[number];

/** What a correct verifier must do about it: reject as unauthenticated (401) or unauthorised (403). */
export type DefectOutcome = 'unauthenticated' | 'forbidden' | 'either';

export interface DefectInfo {
  kind: DefectKind;
  /** What the token looks like. */
  token: string;
  /** What a correct verifier must do. */
  verifier: string;
  outcome: DefectOutcome;
  /** Variants accepted as `KIND:VARIANT`. */
  variants?: readonly string[];
}

export const DEFECTS: Record<DefectKind, DefectInfo> = {
  expired: {
    kind: 'expired',
    token: 'exp in the past by --skew (default 10m); otherwise valid',
    verifier: 'reject: exp is before now minus its leeway',
    outcome: 'unauthenticated',
  },
  'not-yet-valid': {
    kind: 'not-yet-valid',
    token: 'nbf in the future by --skew (default 10m)',
    verifier: 'reject: nbf is after now plus its leeway',
    outcome: 'unauthenticated',
  },
  'wrong-issuer': {
    kind: 'wrong-issuer',
    token: 'iss is https://wrong-issuer.authctl.invalid',
    verifier: 'reject: iss must equal the configured issuer exactly',
    outcome: 'unauthenticated',
  },
  'wrong-audience': {
    kind: 'wrong-audience',
    token: 'aud is api://wrong-audience.authctl.invalid',
    verifier: 'reject: aud must contain the service audience',
    outcome: 'unauthenticated',
  },
  'bad-signature': {
    kind: 'bad-signature',
    token: 'real signature with its bytes altered',
    verifier: 'reject: the signature does not verify',
    outcome: 'unauthenticated',
  },
  'alg-none': {
    kind: 'alg-none',
    token: 'alg "none", empty signature',
    verifier: 'reject: unsigned tokens are never accepted',
    outcome: 'unauthenticated',
  },
  'unknown-kid': {
    kind: 'unknown-kid',
    token: 'signed by a key whose kid is not in the JWKS',
    verifier: 'reject (after at most one JWKS refresh): no published key matches',
    outcome: 'unauthenticated',
  },
  'hs-confusion': {
    kind: 'hs-confusion',
    token: 'HS256, HMAC keyed with the issuer’s public key (PEM)',
    verifier: 'reject: HS256 is not in the algorithm allow-list for an asymmetric key',
    outcome: 'unauthenticated',
  },
  'missing-tenant': {
    kind: 'missing-tenant',
    token: 'no tenant claim at the configured pointer',
    verifier: 'reject: a token without a tenant cannot be scoped',
    outcome: 'either',
  },
  'wrong-tenant': {
    kind: 'wrong-tenant',
    token: 'tenant claim names another tenant (KIND:TENANT to choose it)',
    verifier: 'forbid access to this tenant’s resources',
    outcome: 'forbidden',
  },
  'missing-scope': {
    kind: 'missing-scope',
    token: 'no scope claim at all',
    verifier: 'forbid scoped operations (403 insufficient_scope)',
    outcome: 'forbidden',
  },
  'no-exp': {
    kind: 'no-exp',
    token: 'no exp claim (never expires)',
    verifier: 'reject: tokens must expire',
    outcome: 'unauthenticated',
  },
  'null-signature': {
    kind: 'null-signature',
    token: 'header.payload. (signature stripped)',
    verifier: 'reject: an empty signature never verifies',
    outcome: 'unauthenticated',
  },
  'alg-none-case': {
    kind: 'alg-none-case',
    token: 'alg "None"/"NONE"/"nOnE", empty signature',
    verifier: 'reject: alg comparison must be exact and none never allowed',
    outcome: 'unauthenticated',
    variants: ['None', 'NONE', 'nOnE'],
  },
  'blank-secret': {
    kind: 'blank-secret',
    token: 'HS256 signed with an empty key',
    verifier: 'reject: HS256 not allowed, and empty keys are never valid',
    outcome: 'unauthenticated',
  },
  'psychic-signature': {
    kind: 'psychic-signature',
    token: 'ES256 with r = s = 0 (CVE-2022-21449)',
    verifier: 'reject: r and s must be in [1, n-1]',
    outcome: 'unauthenticated',
  },
  'embedded-jwk': {
    kind: 'embedded-jwk',
    token: 'signed by an attacker key carried in the jwk header',
    verifier: 'reject: never trust a key from the token itself',
    outcome: 'unauthenticated',
  },
  jku: {
    kind: 'jku',
    token: 'jku header pointing at an attacker JWKS (--jku-url)',
    verifier: 'reject: never fetch keys from a URL in the token',
    outcome: 'unauthenticated',
  },
  'kid-injection': {
    kind: 'kid-injection',
    token: 'kid "../../../../dev/null" (or a SQL fragment with :sql), HS256 with the empty key',
    verifier: 'reject: kid is an identifier, never a path or query',
    outcome: 'unauthenticated',
    variants: ['path', 'sql'],
  },
};

export interface DefectSpec {
  kind: DefectKind;
  variant?: string;
}

/** Defects that only change claims; the others shape the header or signature, one per token. */
export const CLAIM_DEFECT_KINDS: readonly DefectKind[] = [
  'expired',
  'not-yet-valid',
  'wrong-issuer',
  'wrong-audience',
  'missing-tenant',
  'wrong-tenant',
  'missing-scope',
  'no-exp',
];

/** Defects that set the same thing: two of a group cannot both hold in one token. */
const CONFLICTS: { kinds: (kind: DefectKind) => boolean; why: string }[] = [
  {
    kinds: (k) => k === 'expired' || k === 'not-yet-valid' || k === 'no-exp',
    why: 'both set the time claims (exp/nbf)',
  },
  {
    kinds: (k) => k === 'missing-tenant' || k === 'wrong-tenant',
    why: 'both set the tenant claim',
  },
  { kinds: (k) => !CLAIM_DEFECT_KINDS.includes(k), why: 'each makes its own header and signature' },
];

const defectName = (d: DefectSpec) => (d.variant ? `${d.kind}:${d.variant}` : d.kind);

/**
 * Several `--defect` flags make one token with all of them when they compose (claim defects on
 * different claims, plus at most one header/signature forgery); a repeated defect counts once.
 * Two that contradict each other are a usage error naming both, never "the last one wins".
 */
export function combineDefects(specs: readonly DefectSpec[]): DefectSpec[] {
  const unique = specs.filter(
    (spec, i) => specs.findIndex((other) => defectName(other) === defectName(spec)) === i,
  );
  for (const { kinds, why } of CONFLICTS) {
    const clash = unique.filter((spec) => kinds(spec.kind));
    if (clash.length > 1) {
      throw usageError(
        'ERR_DEFECT_CONFLICT',
        `{{defect}} ${defectName(clash[0]!)} and {{defect}} ${defectName(clash[1]!)} cannot be combined: ${why}`,
        {
          field: 'defect',
          hint: 'mint one token per defect, or keep only one of them',
        },
      );
    }
  }
  // Claim defects first, then the forgery: the forgery signs (or unsigns) the changed claims.
  return [
    ...unique.filter((d) => CLAIM_DEFECT_KINDS.includes(d.kind)),
    ...unique.filter((d) => !CLAIM_DEFECT_KINDS.includes(d.kind)),
  ];
}

/** Parses `--defect KIND[:VARIANT]`. */
export function parseDefect(input: string): DefectSpec {
  const [kindText, ...rest] = input.split(':');
  const kind = DEFECT_KINDS.find((k) => k === kindText?.trim().toLowerCase());
  if (!kind) {
    const suggestion = closest(kindText ?? '', DEFECT_KINDS);
    throw usageError('ERR_UNKNOWN_DEFECT', `unknown defect "${input}"`, {
      field: 'defect',
      hint: `${suggestion ? `did you mean ${suggestion}? ` : ''}run \`authctl token defects\` to list them`,
    });
  }
  const variant = rest.length ? rest.join(':') : undefined;
  const variants = DEFECTS[kind].variants;
  if (variant !== undefined && variants && !variants.includes(variant)) {
    throw usageError('ERR_UNKNOWN_DEFECT', `defect ${kind} has no variant "${variant}"`, {
      field: 'defect',
      hint: `variants: ${variants.join(', ')}`,
    });
  }
  return { kind, variant };
}
