import path from 'node:path';
import { closest } from '../../suggest.js';
import { checkPlaceholderValue } from '../common.js';
import type { CheckContext } from '../context.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from '../profiles/types.js';
import type { KeyPath, Target } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { checkMeaning, type Facts, type Located } from './meanings.js';
import {
  compile,
  find,
  flatten,
  hasPrefix,
  label,
  literalPath,
  type Entry,
  type PathStyle,
} from './paths.js';
import type { CrossRule, KeySpec, ProfileDefinition, Section } from './schema.js';
import { asList, asString } from './values.js';
import { checkCross } from './cross.js';
import { checkAllowed, checkType, parseJsonValue } from './value-checks.js';

/** One place a section applies: the root, or each match of its `at` pattern. */
interface Instance {
  path: KeyPath;
  segments: string[];
  entries: Entry[];
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
      const entries = flatten(document.data, style);
      const keys = detectKeys.filter((k) => hasPrefix(entries, k)).length * 3;
      // A file name alone does not make a config: an empty application.yml is not Spring's.
      return keys > 0 || (named > 0 && detectKeys.length === 0) ? named + keys : 0;
    },
    check(ctx: CheckContext): OnlineCheck[] {
      const online: OnlineCheck[] = [];
      for (const document of [ctx.document, ...(ctx.document.more ?? [])]) {
        const sub = document === ctx.document ? ctx : ctx.sub(document);
        const entries = flatten(document.data, style);
        const sections: Section[] = [
          { at: '', closed: def.closed, keys: def.keys, checks: def.checks },
          ...def.sections,
        ];
        // Where sections sit counts as declared at the top level of a closed profile.
        const sectionRoots = def.sections.map((s) => s.at.split(def.separator)[0]!);
        for (const section of sections) {
          for (const instance of instances(entries, section, style, ctx.target)) {
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

function instances(
  entries: Entry[],
  section: Section,
  style: PathStyle,
  target: Target,
): Instance[] {
  if (section.at === '') return [{ path: [], segments: [], entries, keys: section.keys }];
  const pattern = compile(section.at, style);
  const index = new Map(entries.map((e, i) => [e, i]));
  return find(entries, [], pattern)
    .filter((e) => e.value !== null && typeof e.value === 'object' && !Array.isArray(e.value))
    .map((e) => ({
      path: e.path,
      segments: e.segments,
      entries: subtree(entries, index.get(e)!),
      keys: section.keys,
    }))
    .filter(
      (instance) =>
        !section.when ||
        holds(
          section.when,
          (key) => {
            const entry = find(instance.entries, instance.segments, compile(key, style))[0];
            return { present: entry !== undefined, value: entry?.value };
          },
          target,
        ),
    );
}

/** The entry at `start` and everything under it: contiguous, since flatten() walks depth first. */
function subtree(entries: Entry[], start: number): Entry[] {
  const depth = entries[start]!.path.length;
  let end = start + 1;
  while (end < entries.length && entries[end]!.path.length > depth) end++;
  return entries.slice(start, end);
}

function checkInstance(
  ctx: CheckContext,
  instance: Instance,
  checks: CrossRule[],
  closed: boolean,
  style: PathStyle,
): OnlineCheck[] {
  const resolved = new Map<string, Entry | undefined>();
  for (const key of Object.keys(instance.keys))
    resolved.set(key, find(instance.entries, instance.segments, compile(key, style))[0]);
  const lookup: Lookup = (key) => {
    const entry = resolved.has(key)
      ? resolved.get(key)
      : find(instance.entries, instance.segments, compile(key, style))[0];
    return entry
      ? { present: true, value: entry.value }
      : { present: false, value: instance.keys[key]?.default };
  };
  const where = (key: string): KeyPath =>
    resolved.get(key)?.path ?? literalPath(instance.path, key, style.separator);
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
    const keyPath = entry?.path ?? literalPath(instance.path, key, style.separator);
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

/** A JSON object inside one value (Hasura's HASURA_GRAPHQL_JWT_SECRET): its keys are checked as a section. */
function checkJson(ctx: CheckContext, key: Located): void {
  const data = parseJsonValue(key.value)!;
  const inner: PathStyle = { separator: '.', keyCase: 'exact' };
  const entries = flatten(data, inner, key.path, []);
  checkInstance(
    ctx,
    { path: key.path, segments: [], entries, keys: key.spec.keys! },
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
  for (const entry of instance.entries) {
    if (
      entry.segments.length !== instance.segments.length + 1 ||
      !instance.segments.every((s, i) => entry.segments[i] === s)
    )
      continue;
    if (declared.includes(entry.segments[instance.segments.length]!)) continue;
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
