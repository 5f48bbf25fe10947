import path from 'node:path';
import { closest } from '../../suggest.js';
import { checkPlaceholderValue, checkSameIssuer } from '../common.js';
import type { CheckContext } from '../context.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from '../profiles/types.js';
import type { KeyPath, Target } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { checkMeaning, type Facts, type Located } from './meanings.js';
import {
  children,
  compile,
  find,
  hasPrefix,
  literalPath,
  rootEntry,
  type Entry,
  type PathStyle,
} from './paths.js';
import type { CrossRule, KeySpec, ProfileDefinition, Section } from './schema.js';
import { asBool, asList, asNumber, asSeconds, asString, describe } from './values.js';

/** One place a section applies: the root, or each match of its `at` pattern. */
interface Instance {
  root: Entry;
  keys: Record<string, KeySpec>;
  /** More names a closed instance accepts (the roots of sections). */
  extra?: string[];
}

const SECRET_MEANINGS = new Set(['hmac-secret', 'secret', 'admin-password']);

/** Turns a profile file into a checker: the same interface the hand-written profiles implement. */
export function engineChecker(def: ProfileDefinition): ProfileChecker {
  const style: PathStyle = { separator: def.separator, keyCase: def['key-case'] };
  const detectKeys = def.detect.keys.map((k) => compile(k, style));
  return {
    detect(document: ConfigDocument): number {
      if (!def.formats.includes(document.kind as never)) return 0;
      const named = def.files.some((f) => globMatch(f.name, path.basename(document.file))) ? 10 : 0;
      const root = rootEntry(document.data);
      const keys = detectKeys.filter((k) => hasPrefix(root, k, style)).length * 3;
      // A file name alone does not make a config: an empty application.yml is not Spring's.
      return keys > 0 || (named > 0 && detectKeys.length === 0) ? named + keys : 0;
    },
    check(ctx: CheckContext): OnlineCheck[] {
      const online: OnlineCheck[] = [];
      for (const document of [ctx.document, ...(ctx.document.more ?? [])]) {
        const sub = document === ctx.document ? ctx : ctx.sub(document);
        const root = rootEntry(document.data);
        const sections: Section[] = [
          { at: '', closed: def.closed, keys: def.keys, checks: def.checks },
          ...def.sections,
        ];
        // Where sections sit counts as declared at the top level of a closed profile.
        const sectionRoots = def.sections.map((s) => s.at.split(def.separator)[0]!);
        for (const section of sections) {
          for (const instance of instances(root, section, style, ctx.target)) {
            if (section.at === '') instance.extra = sectionRoots;
            online.push(
              ...checkInstance(sub, instance, section.checks, section.closed === true, style),
            );
          }
        }
      }
      return online;
    },
  };
}

function instances(root: Entry, section: Section, style: PathStyle, target: Target): Instance[] {
  if (section.at === '') return [{ root, keys: section.keys }];
  return find(root, compiled(section.at, style), style)
    .filter((e) => e.value !== null && typeof e.value === 'object' && !Array.isArray(e.value))
    .map((e) => ({ root: e, keys: section.keys }))
    .filter(
      (instance) =>
        !section.when ||
        holds(
          section.when,
          (key) => {
            const entry = first(instance.root, key, style);
            return { present: entry !== undefined, value: entry?.value };
          },
          target,
        ),
    );
}

const patterns = new WeakMap<PathStyle, Map<string, string[]>>();

/** Patterns compiled once per profile style: a section may have thousands of instances. */
function compiled(key: string, style: PathStyle): string[] {
  let cache = patterns.get(style);
  if (!cache) patterns.set(style, (cache = new Map()));
  let pattern = cache.get(key);
  if (!pattern) cache.set(key, (pattern = compile(key, style)));
  return pattern;
}

function first(root: Entry, key: string, style: PathStyle): Entry | undefined {
  return find(root, compiled(key, style), style)[0];
}

function label(keyPath: KeyPath, separator: string): string {
  return keyPath.reduce<string>(
    (out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}${separator}${s}` : s),
    '',
  );
}

function checkInstance(
  ctx: CheckContext,
  instance: Instance,
  checks: CrossRule[],
  closed: boolean,
  style: PathStyle,
): OnlineCheck[] {
  const resolved = new Map<string, Entry | undefined>();
  for (const key of Object.keys(instance.keys)) resolved.set(key, first(instance.root, key, style));
  const lookup: Lookup = (key) => {
    const entry = resolved.has(key) ? resolved.get(key) : first(instance.root, key, style);
    return entry
      ? { present: true, value: entry.value }
      : { present: false, value: instance.keys[key]?.default };
  };
  const where = (key: string): KeyPath =>
    resolved.get(key)?.path ?? literalPath(instance.root.path, key, style.separator);
  const facts = gatherFacts(instance, resolved, style);
  for (const [key, spec] of Object.entries(instance.keys)) {
    const entry = resolved.get(key);
    if (!entry) {
      checkMissing(ctx, key, spec, where(key), lookup, style);
      continue;
    }
    checkKey(
      ctx,
      { path: entry.path, label: label(entry.path, style.separator), value: entry.value, spec },
      facts,
      style,
    );
  }
  if (closed) checkUnknown(ctx, instance, style);
  for (const rule of checks) checkCross(ctx, rule, lookup, where, style);
  return facts.issuers.map((iss) => ({
    issuer: iss.value,
    path: [...iss.path],
    algorithms: facts.algorithms,
    audience: facts.audiences[0]?.values,
  }));
}

function gatherFacts(
  instance: Instance,
  resolved: Map<string, Entry | undefined>,
  style: PathStyle,
): Facts {
  const facts: Facts = { issuers: [], audiences: [] };
  for (const [key, spec] of Object.entries(instance.keys)) {
    const entry = resolved.get(key);
    const value = entry?.value ?? spec.default;
    if (value === undefined) continue;
    const keyPath = entry?.path ?? literalPath(instance.root.path, key, style.separator);
    if (spec.meaning === 'algorithms') facts.algorithms = asList(value, spec.separator);
    if (spec.meaning === 'issuer' && entry && typeof asString(value) === 'string')
      facts.issuers.push({
        path: keyPath,
        value: asString(value)!,
        label: label(keyPath, style.separator),
      });
    if (spec.meaning === 'audience' && entry)
      facts.audiences.push({
        path: keyPath,
        values: asList(value, spec.separator) ?? [],
        label: label(keyPath, style.separator),
      });
  }
  return facts;
}

function checkMissing(
  ctx: CheckContext,
  key: string,
  spec: KeySpec,
  at: KeyPath,
  lookup: Lookup,
  style: PathStyle,
): void {
  const required =
    spec.required === true ||
    (spec['required-when'] !== undefined && holds(spec['required-when'], lookup, ctx.target));
  if (!required || key.includes('*')) return;
  ctx.report('config/missing-required', at, {
    message: `${key} is required${spec['required-when'] ? ' here' : ''}${spec.description ? ` (${spec.description})` : ''}`,
    fix: `set ${key.split(style.separator).pop()}${spec.meaning ? ` (the ${spec.meaning})` : ''}`,
  });
}

function checkKey(ctx: CheckContext, key: Located, facts: Facts, style: PathStyle): void {
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
  if (!checkType(ctx, key)) return;
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
  if (
    !SECRET_MEANINGS.has(spec.meaning ?? '') &&
    spec.meaning !== 'issuer' &&
    spec.meaning !== 'audience' &&
    text !== undefined
  )
    checkPlaceholderValue(ctx, key.path, text);
  if (spec.type === 'json' && spec.keys) checkJson(ctx, key);
  checkMeaning(ctx, key, facts);
}

function checkType(ctx: CheckContext, key: Located): boolean {
  const { value, spec } = key;
  const type = spec.type ?? 'string';
  const ok =
    type === 'any'
      ? true
      : type === 'boolean'
        ? asBool(value) !== undefined
        : type === 'integer'
          ? Number.isInteger(asNumber(value))
          : type === 'number'
            ? asNumber(value) !== undefined
            : type === 'duration'
              ? asSeconds(value, spec.unit ?? 'duration') !== undefined
              : type === 'string-list'
                ? asList(value, spec.separator) !== undefined
                : type === 'object'
                  ? value !== null && typeof value === 'object' && !Array.isArray(value)
                  : type === 'list'
                    ? Array.isArray(value)
                    : type === 'json'
                      ? parseJsonValue(value) !== undefined
                      : asString(value) !== undefined;
  if (ok) return true;
  const rule =
    type === 'duration'
      ? 'config/invalid-duration'
      : type === 'json'
        ? 'config/invalid-format'
        : 'config/invalid-type';
  const want = {
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
  }[type];
  ctx.report(rule, key.path, {
    at: 'value',
    message: `${key.label} must be ${want}, got ${describe(value)}`,
    fix: `give ${key.label} ${want}`,
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

function parseJsonValue(value: unknown): Record<string, unknown> | undefined {
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

/** A JSON object inside one value (Hasura's HASURA_GRAPHQL_JWT_SECRET): its keys are checked as a section. */
function checkJson(ctx: CheckContext, key: Located): void {
  const data = parseJsonValue(key.value)!;
  const inner: PathStyle = { separator: '.', keyCase: 'exact' };
  checkInstance(
    ctx,
    { root: rootEntry(data, key.path), keys: key.spec.keys! },
    key.spec.checks ?? [],
    false,
    inner,
  );
}

function checkUnknown(ctx: CheckContext, instance: Instance, style: PathStyle): void {
  const names = [
    ...new Set(
      [...Object.keys(instance.keys), ...(instance.extra ?? [])].map(
        (k) => k.split(style.separator)[0]!,
      ),
    ),
  ];
  const declared = names
    .map((n) => compile(n, style)[0])
    .filter((s): s is string => s !== undefined);
  if (declared.includes('*') || declared.includes('**')) return;
  const depth = instance.root.segments.length;
  for (const entry of children(instance.root, style)) {
    if (entry.segments.length !== depth + 1) continue;
    if (declared.includes(entry.segments[depth]!)) continue;
    const name = String(entry.path[entry.path.length - 1]);
    const suggestion = closest(name, names);
    ctx.report('config/unknown-key', entry.path, {
      message: `unknown key "${label(entry.path, style.separator)}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion
        ? `rename it to "${suggestion}"`
        : `remove it; known keys: ${names.join(', ')}`,
    });
  }
}

function checkCross(
  ctx: CheckContext,
  rule: CrossRule,
  lookup: Lookup,
  where: (key: string) => KeyPath,
  style: PathStyle,
): void {
  const keys = rule.keys ?? [];
  const set = keys.filter((k) => lookup(k).present);
  // Point at a scalar's value, but at the key of a block table or list (its value starts a line below).
  const report = (fallback: string, key: string, message: string, fix: string) => {
    const value = lookup(rule.at ?? key).value;
    const at = value !== null && typeof value === 'object' ? 'key' : 'value';
    ctx.report(rule.rule ?? fallback, where(rule.at ?? key), {
      at,
      message: rule.message ?? message,
      fix: rule.fix ?? fix,
    });
  };
  if (rule.type === 'equal-issuers' && set.length === keys.length && keys.length >= 2) {
    const first = asString(lookup(keys[0]!).value)!;
    for (const key of keys.slice(1)) {
      const value = asString(lookup(key).value);
      if (value !== undefined)
        checkSameIssuer(ctx, where(key), value, first, label(where(keys[0]!), style.separator));
    }
  } else if (rule.type === 'at-least-one-of' && set.length === 0) {
    report(
      'config/missing-required',
      keys[0]!,
      `set at least one of ${keys.join(', ')}`,
      `set ${keys[0]}`,
    );
  } else if (rule.type === 'conflicts' && set.length > 1) {
    report(
      'config/conflicting-keys',
      set[1]!,
      `${set.join(' and ')} must not be set together`,
      `remove ${set[1]}`,
    );
  } else if (
    rule.type === 'implies' &&
    rule.if &&
    rule.then &&
    holds(rule.if, lookup, ctx.target) &&
    !holds(rule.then, lookup, ctx.target)
  ) {
    const key = rule.then.key ?? rule.if.key ?? '';
    report(
      'config/missing-required',
      lookup(key).present ? key : (rule.if.key ?? key),
      `${rule.if.key ?? 'this'} requires ${rule.then.key ?? 'another setting'}`,
      `set ${rule.then.key}`,
    );
  } else if (rule.type === 'forbid' && rule.when && holds(rule.when, lookup, ctx.target)) {
    report(
      'config/invalid-value',
      rule.when.key ?? keys[0] ?? '',
      'a forbidden combination of settings',
      'change the settings',
    );
  }
}

/** `application*.yml`: `*` is any run of characters, `?` one; case-insensitive like most file systems users meet. */
export function globMatch(glob: string, name: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}
