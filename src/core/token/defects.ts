import { usageError } from '../errors.js';
import { closest } from '../suggest.js';
import { algNoneCase } from './defects/alg-none-case.js';
import { algNone } from './defects/alg-none.js';
import { badSignature } from './defects/bad-signature.js';
import { blankSecret } from './defects/blank-secret.js';
import { embeddedJwk } from './defects/embedded-jwk.js';
import { expired } from './defects/expired.js';
import { hsConfusion } from './defects/hs-confusion.js';
import { jku } from './defects/jku.js';
import { kidInjection } from './defects/kid-injection.js';
import { missingScope } from './defects/missing-scope.js';
import { missingTenant } from './defects/missing-tenant.js';
import { noExp } from './defects/no-exp.js';
import { notYetValid } from './defects/not-yet-valid.js';
import { nullSignature } from './defects/null-signature.js';
import { psychicSignature } from './defects/psychic-signature.js';
import { unknownKid } from './defects/unknown-kid.js';
import { wrongAudience } from './defects/wrong-audience.js';
import { wrongIssuer } from './defects/wrong-issuer.js';
import { wrongTenant } from './defects/wrong-tenant.js';
import type { Defect, DefectOutcome } from './defects/types.js';

export type { Defect, DefectBuild, DefectOutcome } from './defects/types.js';

/**
 * Deliberately broken tokens for negative tests. Each one is otherwise valid, so a verifier
 * that rejects it proves it checks exactly that one thing.
 *
 * The registry: one file per defect in defects/, listed here once. Everything else derives from it
 * (mintToken, `token defects`, the probe's jwt cases, their fixes and finding ids), so a new defect is
 * its file plus one line here, and a consumer keyed by DefectKind fails to compile until it has it.
 * Order: the claim defects signed by the trusted key, then the forgeries (the order the probe runs them).
 */
const REGISTRY = {
  expired,
  'not-yet-valid': notYetValid,
  'wrong-issuer': wrongIssuer,
  'wrong-audience': wrongAudience,
  'missing-tenant': missingTenant,
  'wrong-tenant': wrongTenant,
  'missing-scope': missingScope,
  'bad-signature': badSignature,
  'hs-confusion': hsConfusion,
  'no-exp': noExp,
  'alg-none': algNone,
  'alg-none-case': algNoneCase,
  'null-signature': nullSignature,
  'blank-secret': blankSecret,
  'psychic-signature': psychicSignature,
  'unknown-kid': unknownKid,
  'embedded-jwk': embeddedJwk,
  jku,
  'kid-injection': kidInjection,
} satisfies Record<string, Defect>;

export type DefectKind = keyof typeof REGISTRY;

export const DEFECT_REGISTRY: Readonly<Record<DefectKind, Defect>> = REGISTRY;

export const DEFECT_KINDS = Object.keys(REGISTRY) as readonly DefectKind[];

/** What `authctl token defects` lists (and the public API exports) for each defect. */
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

export const DEFECTS = Object.fromEntries(
  DEFECT_KINDS.map((kind) => {
    const { info, outcome } = DEFECT_REGISTRY[kind];
    const variants = info.variants ? { variants: info.variants } : {};
    return [kind, { kind, token: info.token, verifier: info.verifier, outcome, ...variants }];
  }),
) as Record<DefectKind, DefectInfo>;

export interface DefectSpec {
  kind: DefectKind;
  variant?: string;
}

const isClaimDefect = (kind: DefectKind) => 'claims' in DEFECT_REGISTRY[kind].build;

/** Defects that only change claims; the others shape the header or signature, one per token. */
export const CLAIM_DEFECT_KINDS: readonly DefectKind[] = DEFECT_KINDS.filter(isClaimDefect);

/** What a claim defect sets (two that set the same thing conflict); undefined for a forgery. */
const setsOf = (kind: DefectKind): string | undefined => {
  const build = DEFECT_REGISTRY[kind].build;
  return 'sets' in build ? build.sets : undefined;
};

/** Defects that set the same thing: two of a group cannot both hold in one token. Forgeries last. */
const CONFLICTS: { kinds: (kind: DefectKind) => boolean; why: string }[] = [
  ...new Set(CLAIM_DEFECT_KINDS.map((k) => setsOf(k)!)),
].map((sets) => ({ kinds: (k: DefectKind) => setsOf(k) === sets, why: `both set ${sets}` }));
CONFLICTS.push({ kinds: (k) => !isClaimDefect(k), why: 'each makes its own header and signature' });

export const defectName = (d: DefectSpec) => (d.variant ? `${d.kind}:${d.variant}` : d.kind);

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
    ...unique.filter((d) => isClaimDefect(d.kind)),
    ...unique.filter((d) => !isClaimDefect(d.kind)),
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
  const variants = DEFECT_REGISTRY[kind].info.variants;
  if (variant !== undefined && variants && !variants.includes(variant)) {
    throw usageError('ERR_UNKNOWN_DEFECT', `defect ${kind} has no variant "${variant}"`, {
      field: 'defect',
      hint: `variants: ${variants.join(', ')}`,
    });
  }
  return { kind, variant };
}

/** The `jwt:KIND[:VARIANT]` cases the probe tries on a bearer endpoint: one per listed variant. */
export function probedDefects(opts: { trustedKey: boolean }): DefectSpec[] {
  return DEFECT_KINDS.filter((kind) => {
    const d = DEFECT_REGISTRY[kind];
    return d.probeCheck === undefined && d.needsTrustedKey === opts.trustedKey;
  }).flatMap((kind) => {
    const variants = DEFECT_REGISTRY[kind].info.variants;
    return variants ? variants.map((variant) => ({ kind, variant })) : [{ kind }];
  });
}

/** The probe check each defect is reported under, with the fix for a service that accepts it. */
export function defectChecks(): { check: string; fix: string }[] {
  return DEFECT_KINDS.map((kind) => ({
    check: DEFECT_REGISTRY[kind].probeCheck ?? `jwt:${kind}`,
    fix: DEFECT_REGISTRY[kind].fix,
  }));
}
