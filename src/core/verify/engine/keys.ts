import { closest } from '../../suggest.js';
import { checkPlaceholderValue, typeOf } from '../common.js';
import type { CheckContext } from '../context.js';
import type { KeyPath } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { checkMeaning, type Facts, type Located } from './meanings.js';
import { contextFor } from './override.js';
import { children, compile, type Entry, type PathStyle } from './paths.js';
import type { KeySpec } from './schema.js';
import { asBool, asList, asNumber, asSeconds, asString, describe } from './values.js';

const SECRET_MEANINGS = new Set(['hmac-secret', 'secret', 'admin-password']);
const OWN_PLACEHOLDERS = new Set([...SECRET_MEANINGS, 'issuer', 'audience']);

/** The context a key's checks report through: its `report` overrides, with `{key}` and `{value}`. */
export function keyContext(
  ctx: CheckContext,
  key: string,
  spec: KeySpec,
  value: unknown,
): CheckContext {
  // A secret's value never goes into a template: messages are printed and stored in reports.
  const shown = SECRET_MEANINGS.has(spec.meaning ?? '') ? undefined : asString(value);
  return contextFor(ctx, spec.report, { key, value: shown });
}

/** An empty value of a `non-empty` key counts as not set (a .env line `KEY=` means unset). */
export function isEmpty(spec: KeySpec, value: unknown): boolean {
  return spec['non-empty'] === true && (value === '' || value === null);
}

export function checkMissing(
  ctx: CheckContext,
  key: string,
  spec: KeySpec,
  /** Where to report it: computed only for a finding (most absent keys are optional). */
  at: () => KeyPath,
  lookup: Lookup,
  style: PathStyle,
): void {
  const required =
    spec.required === true ||
    (spec['required-when'] !== undefined && holds(spec['required-when'], lookup, ctx.target));
  if (!required || key.includes('*')) return;
  keyContext(ctx, key, spec, undefined).report('config/missing-required', at(), {
    // A key that is there but empty is shown at its value; a missing one at its table.
    at: 'value',
    message: `${key} is required${spec['required-when'] ? ' here' : ''}${spec.description ? ` (${spec.description})` : ''}`,
    fix: `set ${key.split(style.separator).pop()}${spec.meaning ? ` (the ${spec.meaning})` : ''}`,
  });
}

/** How a profile reads its keys: placeholder checks per key, and TOML/JSON types as written. */
export interface KeyOptions {
  placeholders?: boolean;
  strict?: boolean;
  /** false: the key's `when` does not hold, so its meaning's rules are not checked. */
  meaning?: boolean;
  /** false: a `schema` validator reports types; a wrong value is only skipped here. */
  types?: boolean;
}

export function checkKey(
  ctx: CheckContext,
  key: Located,
  facts: Facts,
  options: KeyOptions = {},
): void {
  const spec = key.spec;
  const placeholders = options.placeholders ?? true;
  checkRenamed(ctx, key);
  if (!typeChecked(ctx, key, options)) return;
  // An algorithms key reports values outside `allowed` as auth/algorithm-not-allowed itself.
  if (spec.allowed && spec.meaning !== 'algorithms' && !checkAllowed(ctx, key)) return;
  const text = asString(key.value);
  if (spec.pattern && text !== undefined && !new RegExp(spec.pattern).test(text)) {
    ctx.report('config/invalid-format', key.path, {
      at: 'value',
      message: `${key.label} does not have the expected form (${spec.pattern})`,
      fix: spec.description ?? `match ${spec.pattern}`,
    });
    return;
  }
  // Secrets, issuers and audiences check their placeholders themselves (a secret is never quoted).
  if (placeholders && text !== undefined && !OWN_PLACEHOLDERS.has(spec.meaning ?? ''))
    checkPlaceholderValue(ctx, key.path, text);
  if (spec.entries === 'trimmed') checkEntries(ctx, key);
  if (options.meaning !== false) checkMeaning(ctx, key, facts);
}

function checkRenamed(ctx: CheckContext, key: Located): void {
  const spec = key.spec;
  if (spec['renamed-to']) {
    ctx.report('config/renamed-key', key.path, {
      message: `${key.label} was renamed to ${spec['renamed-to']}`,
      fix: `rename it to ${spec['renamed-to']}`,
    });
  } else if (spec.deprecated) {
    ctx.report('config/deprecated-key', key.path, {
      message: `${key.label} is deprecated: ${spec.deprecated}`,
      fix: spec.deprecated,
    });
  }
}

/** Is the value of the key's type? Reported here, unless a `schema` validator reports types. */
function typeChecked(ctx: CheckContext, key: Located, options: KeyOptions): boolean {
  const strict = options.strict === true;
  if (options.types !== false) return checkType(ctx, key, strict);
  return typeValid(key.spec, key.value, ctx.document.kind === 'env', strict);
}

/** `a,,b` or `a, b` in a comma-separated list: the service reads an empty or padded name. */
function checkEntries(ctx: CheckContext, key: Located): void {
  const raw = asString(key.value);
  if (raw === undefined || raw.trim() === '') return;
  const entries = raw.split(key.spec.separator ?? ',');
  if (!entries.some((e) => e.trim() === '' || e !== e.trim())) return;
  const fixed = entries
    .map((e) => e.trim())
    .filter(Boolean)
    .join(key.spec.separator ?? ',');
  ctx.report('config/invalid-format', key.path, {
    at: 'value',
    message: `${key.label} has empty or space-padded entries`,
    fix: `${key.label} = ${fixed}`,
    vars: { fixed },
  });
}

const WANT = {
  boolean: 'true or false',
  integer: 'an integer',
  number: 'a number',
  duration: 'a duration (60s, 5m, 00:05:00)',
  'string-list': 'a list of strings',
  object: 'a table',
  list: 'a list',
  json: 'a JSON object',
  string: 'a string',
  url: 'a URL',
  any: '',
};

/** TOML and JSON say what a value is: `"5"` is no integer and `"RS256"` no list. */
function strictOk(type: keyof typeof WANT, value: unknown): boolean | undefined {
  switch (type) {
    case 'string':
    case 'url':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return (
        (typeof value === 'number' || typeof value === 'bigint') && Number.isInteger(Number(value))
      );
    case 'number':
      return typeof value === 'number' || typeof value === 'bigint';
    case 'string-list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default:
      return undefined;
  }
}

/** Does the value have the key's type (`strict`: as written, not as a string read as it)? */
export function typeValid(spec: KeySpec, value: unknown, env: boolean, strict: boolean): boolean {
  const type = spec.type ?? 'string';
  return (strict ? strictOk(type, value) : undefined) ?? typeOk(type, { value, spec }, env);
}

function typeOk(
  type: keyof typeof WANT,
  key: Pick<Located, 'value' | 'spec'>,
  env: boolean,
): boolean {
  const { value, spec } = key;
  switch (type) {
    case 'any':
      return true;
    case 'boolean':
      return asBool(value) !== undefined || (env && value === '');
    case 'integer':
      return Number.isInteger(asNumber(value));
    case 'number':
      return asNumber(value) !== undefined;
    case 'duration':
      return asSeconds(value, spec.unit ?? 'duration') !== undefined;
    case 'string-list':
      return asList(value, spec.separator) !== undefined;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'list':
      return Array.isArray(value);
    case 'json':
      return parseJsonValue(value) !== undefined;
    default:
      return asString(value) !== undefined;
  }
}

function checkType(ctx: CheckContext, key: Located, strict: boolean): boolean {
  const type = key.spec.type ?? 'string';
  // In a .env an empty flag (`DEV_AUTH_ENABLED=`) is false, as the services' env readers take it.
  const env = ctx.document.kind === 'env';
  if (typeValid(key.spec, key.value, env, strict)) return true;
  if (strict && strictOk(type, key.value) !== undefined) {
    reportStrictType(ctx, key, type);
    return false;
  }
  if (type === 'boolean' && env) {
    ctx.report('env/invalid-boolean', key.path, {
      at: 'value',
      message: `${key.label}="${String(key.value)}" is not a boolean`,
      fix: `set ${key.label}=true or ${key.label}=false`,
    });
    return false;
  }
  const rule =
    type === 'duration'
      ? 'config/invalid-duration'
      : type === 'json'
        ? 'config/invalid-format'
        : 'config/invalid-type';
  ctx.report(rule, key.path, {
    at: 'value',
    message: `${key.label} must be ${WANT[type]}, got ${describe(key.value)}`,
    fix: `give ${key.label} ${WANT[type]}`,
  });
  return false;
}

function checkAllowed(ctx: CheckContext, key: Located): boolean {
  const allowed = key.spec.allowed!.map(String);
  const values = Array.isArray(key.value) ? key.value : [key.value];
  let ok = true;
  values.forEach((v, i) => {
    const text = asString(v) ?? '';
    if (allowed.some((a) => a === text || a.toLowerCase() === text.toLowerCase())) return;
    ok = false;
    const suggestion = closest(text, allowed);
    ctx.report('config/invalid-value', Array.isArray(key.value) ? [...key.path, i] : key.path, {
      at: 'value',
      message: `${key.label} "${text}" is not one of ${allowed.join(', ')}${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion ? `use "${suggestion}"` : `use one of ${allowed.join(', ')}`,
    });
  });
  return ok;
}

export function parseJsonValue(value: unknown): Record<string, unknown> | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Keys directly under `root` that no key (or section) of the profile declares. */
export function checkUnknown(
  ctx: CheckContext,
  root: Entry,
  declaredKeys: string[],
  style: PathStyle,
  matching?: string,
  onlyTypos = false,
): void {
  const names = [...new Set(declaredKeys.map((k) => k.split(style.separator)[0]!))];
  const declared = names
    .map((n) => compile(n, style)[0])
    .filter((s): s is string => s !== undefined);
  if (declared.includes('*') || declared.includes('**')) return;
  const family = matching === undefined ? undefined : new RegExp(matching);
  const depth = root.segments.length;
  for (const entry of children(root, style)) {
    if (entry.segments.length !== depth + 1) continue;
    if (declared.includes(entry.segments[depth]!)) continue;
    const name = String(entry.path[entry.path.length - 1]);
    // Only the service's own names: the rest of a shared .env belongs to other programs.
    if (family && !family.test(name)) continue;
    const suggestion = closest(name, names);
    // `unknown = "typos"`: a service that ignores keys it does not know is hurt only by misspellings.
    if (onlyTypos && !suggestion) continue;
    ctx.report('config/unknown-key', entry.path, {
      message: `unknown key "${label(entry.path, style.separator)}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion
        ? `rename it to "${suggestion}"`
        : `remove it; known keys: ${names.join(', ')}`,
    });
  }
}

/** `placeholders = "every-key"`: every value of the service's own keys, declared or not, any type. */
export function checkEveryPlaceholder(
  ctx: CheckContext,
  root: Entry,
  style: PathStyle,
  matching?: string,
): void {
  const family = matching === undefined ? undefined : new RegExp(matching);
  for (const entry of children(root, style)) {
    if (family && !family.test(String(entry.path[entry.path.length - 1]))) continue;
    if (Array.isArray(entry.value))
      entry.value.forEach((item, i) => checkPlaceholderValue(ctx, [...entry.path, i], item));
    else checkPlaceholderValue(ctx, entry.path, entry.value);
  }
}

export function label(keyPath: KeyPath, separator: string): string {
  return keyPath.reduce<string>(
    (out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}${separator}${s}` : s),
    '',
  );
}

const STRICT_NAMES: Record<string, string> = {
  string: 'a string',
  url: 'a string',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
};

/** A TOML/JSON value of the wrong type, named as the format does; a list's first wrong entry is pointed at. */
function reportStrictType(ctx: CheckContext, key: Located, type: keyof typeof WANT): void {
  const name = key.label.split(/[.:]/).pop()!;
  if (type === 'string-list') {
    const bad = Array.isArray(key.value) ? key.value.findIndex((v) => typeof v !== 'string') : -1;
    ctx.report('config/invalid-type', bad >= 0 ? [...key.path, bad] : key.path, {
      at: 'value',
      message: `${key.label} must be an array of strings, got ${typeOf(bad >= 0 ? (key.value as unknown[])[bad] : key.value)}`,
      fix: `write it as ${name} = ["..."]`,
    });
    return;
  }
  const numeric =
    (type === 'integer' || type === 'number') &&
    typeof key.value === 'string' &&
    key.value.trim() !== '' &&
    Number.isFinite(Number(key.value));
  ctx.report('config/invalid-type', key.path, {
    at: 'value',
    message: `${key.label} must be ${STRICT_NAMES[type]}, got ${typeOf(key.value)}`,
    fix: numeric
      ? `write it without quotes: ${name} = ${(key.value as string).trim()}`
      : `give ${name} ${STRICT_NAMES[type]} value`,
  });
}
