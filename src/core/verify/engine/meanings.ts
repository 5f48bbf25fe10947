import {
  checkIssuerUrl,
  checkPlaceholderValue,
  checkSecret,
  isHeaderName,
  isHttpsUrl,
  isJsonPointer,
  looksLikePlaceholder,
  mayHavePlaceholder,
  trimSlashes,
} from '../common.js';
import { closest } from '../../suggest.js';
import type { CheckContext } from '../context.js';
import type { KeyPath } from '../types.js';
import type { KeySpec, Meaning } from './schema.js';
import { JOSE_ALGORITHMS } from './meaning-rules.js';
import { asBool, asList, asSeconds, asString, decodedBytes, isJwkJson } from './values.js';

/** What a section's keys say about its auth, gathered before the per-key checks. */
export interface Facts {
  algorithms?: string[];
  issuers: { path: KeyPath; value: string; label: string; online?: boolean }[];
  audiences: { path: KeyPath; values: string[]; label: string }[];
  /** The scopes the service requires (`scopes` keys), for --online. */
  scopes?: string[];
  /** How often the service refetches the JWKS (a `jwks-cache` key), for --online. */
  refreshSecs?: number;
  /** The section's other keys (`algorithm-key` names one): a value, or its default when absent. */
  section?: { value(key: string): unknown };
}

export interface Located {
  path: KeyPath;
  label: string;
  value: unknown;
  spec: KeySpec;
}

type Check = (ctx: CheckContext, key: Located, facts: Facts) => void;

/** An issuer may be any string (`dotnet-user-jwts`, an e-mail address); URL rules apply to URLs and url-typed keys. */
const url = (ctx: CheckContext, key: Located) => {
  const value = asString(key.value);
  // An https URL has nothing to report: checkIssuerUrl is for the others.
  if (!value || checkPlaceholderValue(ctx, key.path, value) || isHttpsUrl(value)) return;
  if (key.spec.type === 'url' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    checkIssuerUrl(ctx, key.path, value, key.label);
};

/** A flag's check knows the value it reports (`bad`): the quick test of a clean instance reads it. */
type FlagCheck = Check & { bad: boolean };

const flag = (
  rule: string,
  bad: boolean,
  what: string,
  fix: (label: string) => string,
): FlagCheck =>
  Object.assign(
    (ctx: CheckContext, key: Located) => {
      if (asBool(key.value) !== bad) return;
      ctx.report(rule, key.path, {
        at: 'value',
        message: `${key.label} = ${String(key.value)}: ${what}`,
        fix: fix(key.label),
      });
    },
    { bad },
  );

function hmacSecret(ctx: CheckContext, key: Located, facts: Facts): void {
  const value = asString(key.value);
  if (!value) return;
  if (key.spec['jwk-allowed'] && isJwkJson(value)) return;
  // "replace with a real key" is a placeholder before it is bad base64.
  if (looksLikePlaceholder(value)) {
    checkSecret(ctx, key.path, key.label, value, undefined);
    return;
  }
  const bytes = decodedBytes(value, key.spec.encoding);
  if (bytes === undefined) {
    ctx.report('config/invalid-format', key.path, {
      at: 'value',
      message: `${key.label} is not valid ${key.spec.encoding}`,
      fix: `encode the secret as ${key.spec.encoding}`,
    });
    return;
  }
  if (allowedBytes(ctx, key, value, bytes)) return;
  const named = key.spec['algorithm-key']
    ? asString(facts.section?.value(key.spec['algorithm-key']))
    : undefined;
  const alg =
    key.spec.algorithm ??
    named ??
    facts.algorithms?.find((a) => /^HS/i.test(a)) ??
    (facts.algorithms?.length ? undefined : 'HS256');
  checkSecret(ctx, key.path, key.label, value, alg, bytes);
}

/** Reports a secret whose decoded length is not one of `allowed-bytes`; true when it reported. */
function allowedBytes(ctx: CheckContext, key: Located, value: string, bytes: number): boolean {
  const allowed = key.spec['allowed-bytes'];
  if (!allowed || allowed.includes(bytes) || looksLikePlaceholder(value)) return false;
  ctx.report('auth/invalid-secret-length', key.path, {
    at: 'value',
    message: `${key.label} is ${bytes} bytes${key.spec.encoding && key.spec.encoding !== 'utf8' ? ' decoded' : ''}; it must be ${allowed.join(', ').replace(/, (\d+)$/, ' or $1')} bytes`,
    fix: `generate one: openssl rand -base64 ${Math.max(...allowed)} | tr -- '+/' '-_'`,
  });
  return true;
}

function secret(ctx: CheckContext, key: Located): void {
  const value = asString(key.value);
  if (value === undefined || value === '') return;
  if (looksLikePlaceholder(value)) {
    checkSecret(ctx, key.path, key.label, value, undefined);
    return;
  }
  const bytes = decodedBytes(value, key.spec.encoding) ?? Buffer.byteLength(value, 'utf8');
  if (allowedBytes(ctx, key, value, bytes)) return;
  const min = key.spec['min-length'] ?? (key.spec.meaning === 'admin-password' ? 12 : undefined);
  if (min && value.length < min) {
    ctx.report('auth/weak-password', key.path, {
      at: 'value',
      message: `${key.label} is ${value.length} characters; use at least ${min}`,
      fix: `generate one: openssl rand -base64 ${Math.max(24, min)}`,
      vars: { length: value.length, min },
    });
  }
}

function algorithms(ctx: CheckContext, key: Located): void {
  const list = asList(key.value, key.spec.separator);
  if (!list) return;
  if (list.length === 0) {
    ctx.report('auth/no-algorithms', key.path, {
      at: 'value',
      message: `${key.label} is empty: every token is rejected`,
      fix: 'list the algorithms your issuer signs with, e.g. RS256',
    });
    return;
  }
  const allowed = (key.spec.allowed ?? JOSE_ALGORITHMS).map(String);
  list.forEach((alg, i) => {
    if (allowed.includes(alg) && alg.toLowerCase() !== 'none') return;
    ctx.report(
      'auth/algorithm-not-allowed',
      Array.isArray(key.value) ? [...key.path, i] : key.path,
      {
        at: 'value',
        message: `${key.label}: "${alg}" is not an algorithm this service accepts`,
        fix: `use one of ${allowed.join(', ')}`,
        vars: algorithmVars(alg, allowed),
      },
    );
  });
}

/** `{alg}`, `{why}` and `{remedy}` for a profile's own algorithm message: HMAC where only keys are verified, or a typo. */
function algorithmVars(alg: string, allowed: string[]): Record<string, string> {
  const families = [...new Set(allowed.map((a) => a.replace(/\d+$/, '')))].join('/');
  const hmac = /^HS\d+$/i.test(alg) && !allowed.some((a) => /^HS/i.test(a));
  const suggestion = hmac ? undefined : closest(alg, allowed);
  return {
    alg,
    why: hmac
      ? `HMAC: the service verifies against the issuer's JWKS and accepts only ${families} variants`
      : `not accepted (only ${families} variants)${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
    remedy: suggestion
      ? `use "${suggestion}"`
      : `use the issuer's signing algorithm, one of ${allowed.join(', ')}`,
  };
}

function audience(ctx: CheckContext, key: Located, facts: Facts): void {
  const list = asList(key.value, key.spec.separator);
  if (!list) return;
  if (list.length === 0 || list.every((a) => a === '')) {
    ctx.report('auth/audience-empty', key.path, {
      at: 'value',
      message: `${key.label} is empty: tokens for any audience are accepted`,
      fix: 'set it to your API identifier, e.g. api://orders',
    });
    return;
  }
  list.forEach((a, i) => {
    const isIssuer = facts.issuers.some((iss) => trimSlashes(iss.value) === trimSlashes(a));
    if (!isIssuer && !mayHavePlaceholder(a)) return; // the entry's path only for a finding
    const path = Array.isArray(key.value) ? [...key.path, i] : key.path;
    if (checkPlaceholderValue(ctx, path, a)) return;
    if (isIssuer) {
      ctx.report('auth/audience-is-issuer', path, {
        at: 'value',
        message: `${key.label} "${a}" is the issuer URL, not an API identifier`,
        fix: 'use the identifier your issuer puts in aud for this API',
      });
    }
  });
}

function claim(ctx: CheckContext, key: Located): void {
  const value = asString(key.value);
  const format = key.spec['claim-format'];
  if (!value || !format) return;
  const ok =
    format === 'json-pointer'
      ? isJsonPointer(value)
      : format === 'dotted'
        ? /^[^.\s]+(\.[^.\s]+)*$/.test(value)
        : format === 'jspath'
          ? /^(\.("[^"]*"|[\w-]+)|\[\d+\])+$/.test(value)
          : /^[^\s]+$/.test(value);
  if (ok) return;
  const rule =
    key.spec.meaning === 'tenant-claim' && format === 'json-pointer'
      ? 'auth/tenant-claim-not-pointer'
      : 'auth/claim-path-invalid';
  const example = {
    'json-pointer': '/tid',
    dotted: 'realm_access.roles',
    jspath: '.realm_access.roles',
    name: 'roles',
  }[format];
  ctx.report(rule, key.path, {
    at: 'value',
    message: `${key.label} "${value}" is not a ${format} claim path`,
    fix: `write it like ${example}`,
  });
}

const leewayMin = (spec: KeySpec) => spec.min ?? 0;
const leewayMax = (spec: KeySpec) => spec.max ?? 300;
function leeway(ctx: CheckContext, key: Located): void {
  const seconds = asSeconds(key.value, key.spec.unit);
  if (seconds === undefined) {
    ctx.report('config/invalid-duration', key.path, {
      at: 'value',
      message: `${key.label} is not a duration`,
      fix: 'write seconds (60), 60s, 5m or 00:01:00',
    });
    return;
  }
  const min = leewayMin(key.spec);
  const max = leewayMax(key.spec);
  if (seconds < min)
    ctx.report('config/out-of-range', key.path, {
      at: 'value',
      message: `${key.label} must not be ${min === 0 ? 'negative' : `below ${min}s`} (got ${seconds})`,
      fix: `use ${Math.max(min, 60)} (60s is typical)`,
    });
  else if (seconds > max)
    ctx.report('auth/leeway-too-large', key.path, {
      at: 'value',
      message: `${key.label} allows ${seconds}s of clock skew; expired tokens stay valid that long`,
      fix: `keep it at or below ${max}s (60s is typical)`,
    });
}

function jwksCache(ctx: CheckContext, key: Located): void {
  const seconds = asSeconds(key.value, key.spec.unit ?? 'duration');
  if (seconds === undefined) return;
  const min = key.spec.min ?? 60;
  const max = key.spec.max ?? 86400;
  if (seconds >= min && seconds <= max) return;
  ctx.report('auth/jwks-cache-out-of-range', key.path, {
    at: 'value',
    message:
      seconds < min
        ? `${key.label} caches the JWKS for only ${seconds}s: every few requests refetch it`
        : `${key.label} caches the JWKS for ${seconds}s: a rotated or revoked key stays trusted that long`,
    fix: `use between ${min}s and ${max}s (300s is common)`,
  });
}

const FLAGS = {
  'dev-auth-flag': flag(
    'auth/dev-headers-enabled',
    true,
    'callers can pick their identity with dev headers',
    (l) => `set ${l} to false outside local development`,
  ),
  'auth-enabled-flag': flag(
    'auth/disabled',
    false,
    'authentication is off',
    (l) => `set ${l} to true`,
  ),
  'insecure-flag': flag(
    'auth/security-check-disabled',
    true,
    'a security check is turned off',
    (l) => `set ${l} to false (or remove it)`,
  ),
  'secure-flag': flag(
    'auth/security-check-disabled',
    false,
    'a security check is turned off',
    (l) => `set ${l} to true (or remove it)`,
  ),
  'docs-exposed': flag(
    'auth/public-docs',
    true,
    'interactive API docs are served',
    (l) => `set ${l} to false in production`,
  ),
} satisfies Partial<Record<Meaning, FlagCheck>>;

const CHECKS: Partial<Record<Meaning, Check>> = {
  ...FLAGS,
  issuer: url,
  'jwks-uri': url,
  audience,
  algorithms,
  'hmac-secret': hmacSecret,
  secret,
  'admin-password': secret,
  'tenant-claim': claim,
  'roles-claim': claim,
  scopes: (ctx, key) =>
    asList(key.value)?.forEach((s, i) =>
      checkPlaceholderValue(ctx, Array.isArray(key.value) ? [...key.path, i] : key.path, s),
    ),
  leeway,
  'jwks-cache': jwksCache,
  'header-name': (ctx, key) => {
    const value = asString(key.value);
    if (value !== undefined && !isHeaderName(value))
      ctx.report('auth/invalid-header-name', key.path, {
        at: 'value',
        message: `${key.label} "${value}" is not a valid HTTP header name`,
        fix: 'use letters, digits and - only, e.g. X-Api-Key',
      });
  },
  'cors-origins': (ctx, key) => {
    if (asList(key.value)?.includes('*'))
      ctx.report('auth/cors-wildcard', key.path, {
        at: 'value',
        message: `${key.label} allows any origin`,
        fix: 'list the origins of your front ends',
      });
  },
  'allowed-users': (ctx, key) => {
    if (asList(key.value)?.includes('*'))
      ctx.report('auth/everyone-allowed', key.path, {
        at: 'value',
        message: `${key.label} contains "*": anyone who can sign in with the provider gets in`,
        fix: 'list your domains or groups instead of *',
      });
  },
  'anonymous-role': (ctx, key) => {
    const value = asString(key.value);
    if (value)
      ctx.report('auth/anonymous-access', key.path, {
        at: 'value',
        message: `${key.label} = ${value}: requests without a token run as this role`,
        fix: `grant ${value} only what the public may see, or remove ${key.label}`,
      });
  },
};

export function checkMeaning(ctx: CheckContext, key: Located, facts: Facts): void {
  if (key.spec.meaning) CHECKS[key.spec.meaning]?.(ctx, key, facts);
}

/** Would a meaning's check report nothing for a value quick.ts found of its type with no placeholder? */
type Clean = (value: unknown, spec: KeySpec, issuers: readonly string[]) => boolean;

const cleanUrl: Clean = (value) => typeof value !== 'string' || value === '' || isHttpsUrl(value);

/** A list of strings none of which is empty-only, a placeholder or an issuer (loops: no copies). */
const cleanAudience: Clean = (value, spec, issuers) => {
  const list = Array.isArray(value) ? (value as unknown[]) : asList(value, spec.separator);
  if (!list) return true;
  let blank = true;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (typeof a !== 'string' || mayHavePlaceholder(a)) return false;
    if (a !== '') blank = false;
    for (let j = 0; j < issuers.length; j++)
      if (trimSlashes(issuers[j]!) === trimSlashes(a)) return false;
  }
  return !blank;
};

const cleanLeeway: Clean = (value, spec) => {
  const seconds = asSeconds(value, spec.unit);
  return seconds !== undefined && seconds >= leewayMin(spec) && seconds <= leewayMax(spec);
};

export const CLEAN: Partial<Record<Meaning, Clean>> = {
  issuer: cleanUrl,
  'jwks-uri': cleanUrl,
  audience: cleanAudience,
  leeway: cleanLeeway,
  ...Object.fromEntries(
    Object.entries(FLAGS).map(([meaning, { bad }]) => [meaning, (v: unknown) => asBool(v) !== bad]),
  ),
};
