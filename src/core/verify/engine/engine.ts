import path from 'node:path';
import type { CheckContext } from '../context.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from '../profiles/types.js';
import type { KeyPath, Target } from '../types.js';
import { holds, type Lookup } from './conditions.js';
import { checkCross, type CrossScope } from './cross.js';
import {
  checkKey,
  checkMissing,
  checkEveryPlaceholder,
  checkUnknown,
  isEmpty,
  keyContext,
  label,
  parseJsonValue,
  typeValid,
} from './keys.js';
import type { Facts } from './meanings.js';
import {
  children,
  compile,
  find,
  findFirst,
  hasPrefix,
  literalPath,
  rootEntry,
  type Entry,
  type PathStyle,
} from './paths.js';
import type { CrossRule, KeySpec, ProfileDefinition, Section } from './schema.js';
import { asList, asSeconds, asString } from './values.js';

/** One place a section applies: the root, or each match of its `at` pattern. */
interface Instance {
  root: Entry;
  /** The document's root: a condition key that starts with the separator (`.auth.issuer`) is read from it. */
  top?: Entry;
  keys: Record<string, KeySpec>;
  checks: CrossRule[];
  closed: boolean;
  /** More names a closed instance accepts (the roots of sections). */
  extra?: string[];
  /** closed-matching: only these names are the service's. */
  matching?: string;
  /** Check every key's value for placeholders, not only declared keys' (after their type). */
  everyPlaceholder?: boolean;
  /** TOML/JSON types as written; a value of the wrong type is unreadable to conditions. */
  strict?: boolean;
  /** A finding about an absent key points at its table's value (an inline table's `{`). */
  absentAtTable?: boolean;
  online?: Section['online'];
  /** A `schema` validator checks types and values: keys only add meanings. */
  schema?: boolean;
}

/** `schema` validators bring zod and authctl's whole config schema: loaded only for a profile naming one. */
const validators = () => import('./validators.js');

/** Turns a profile file into a checker: the same interface the hand-written profiles implement. */
export function engineChecker(def: ProfileDefinition): ProfileChecker {
  const style: PathStyle = { separator: def.separator, keyCase: def['key-case'] };
  return {
    detect: (document) => detect(def, style, document),
    async check(ctx: CheckContext): Promise<OnlineCheck[]> {
      const validate = def.schema ? (await validators()).VALIDATORS[def.schema] : undefined;
      const online: OnlineCheck[] = [];
      for (const document of [ctx.document, ...(ctx.document.more ?? [])]) {
        const sub = document === ctx.document ? ctx : ctx.sub(document);
        validate?.(sub);
        const root = rootEntry(document.data);
        // Where sections sit counts as declared at the top level of a closed profile.
        const extra = def.sections.map((s) => s.at.split(def.separator)[0]!);
        const top: Instance = {
          root,
          top: root,
          keys: def.keys,
          checks: def.checks,
          closed: def.closed === true,
          extra,
          matching: def['closed-matching'],
          everyPlaceholder: def.placeholders === 'every-key',
          // With a `schema`, the validator reports types: a wrong value is only left unread here.
          strict: def.types === 'strict' || def.schema !== undefined,
          schema: def.schema !== undefined,
          online: def.online,
        };
        online.push(...checkInstance(sub, top, style));
        for (const section of def.sections)
          for (const instance of instances(root, section, style, ctx.target))
            online.push(
              ...checkInstance(
                sub,
                { ...instance, top: root, strict: top.strict, schema: top.schema },
                style,
              ),
            );
      }
      return online;
    },
  };
}

function detect(def: ProfileDefinition, style: PathStyle, document: ConfigDocument): number {
  if (!def.formats.includes(document.kind as never)) return 0;
  const named = def.files.some((f) => globMatch(f.name, path.basename(document.file))) ? 10 : 0;
  const root = rootEntry(document.data);
  let found = def.detect.keys.filter((k) => hasPrefix(root, compiled(k, style), style)).length;
  if (def.detect.matches) {
    const re = new RegExp(def.detect.matches);
    found += Object.keys(document.data).filter((k) => re.test(k)).length;
  }
  const declared = def.detect.keys.length > 0 || def.detect.matches !== undefined;
  if (def.detect.all) {
    // All the service's top-level keys: one more, and the keys say nothing; the name still does.
    const roots = def.detect.keys.map((k) => compiled(k, style)[0]);
    const others = children(root, style).some((e) => !roots.includes(e.segments[0]));
    return named + (others ? 0 : found * def.detect.weight);
  }
  // A file name alone does not make a config: an empty application.yml is not Spring's.
  return found > 0 || (named > 0 && !declared) ? named + found * def.detect.weight : 0;
}

function instances(root: Entry, section: Section, style: PathStyle, target: Target): Instance[] {
  return find(root, compiled(section.at, style), style)
    .filter((e) => e.value !== null && typeof e.value === 'object' && !Array.isArray(e.value))
    .filter(
      (e) =>
        !section.when ||
        holds(
          section.when,
          (key) => {
            const entry = first(e, key, style);
            return { present: entry !== undefined, value: entry?.value };
          },
          target,
        ),
    )
    .map((e) => ({
      root: e,
      keys: section.keys,
      checks: section.checks,
      closed: section.closed === true,
      everyPlaceholder: section.placeholders === 'every-key',
      absentAtTable: section['absent-at'] === 'table',
      online: section.online,
    }));
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

const keyLists = new WeakMap<Record<string, KeySpec>, [string, KeySpec][]>();

/** A section's declared keys as a list, built once: every instance walks it three times. */
function keyList(keys: Record<string, KeySpec>): [string, KeySpec][] {
  let list = keyLists.get(keys);
  if (!list) keyLists.set(keys, (list = Object.entries(keys)));
  return list;
}

function first(root: Entry, key: string, style: PathStyle): Entry | undefined {
  return findFirst(root, compiled(key, style), style);
}

/** The declared keys found in an instance; with strict types, a value of the wrong type reads as none. */
function resolve(ctx: CheckContext, instance: Instance, style: PathStyle) {
  const resolved = new Map<string, Entry | undefined>();
  // Every key looked up once per instance (declared keys here, others on first ask): a dense file
  // has thousands of instances, and `where` and `lookup` ask again for each missing key.
  const found = new Map<string, Entry | undefined>();
  const at = (key: string): Entry | undefined => {
    if (!found.has(key)) found.set(key, first(instance.root, key, style));
    return found.get(key);
  };
  const unreadable = new Set<string>();
  for (const [key, spec] of keyList(instance.keys)) {
    const entry = at(key);
    resolved.set(key, entry && isEmpty(spec, entry.value) ? undefined : entry);
    if (
      entry &&
      instance.strict &&
      !typeValid(spec, entry.value, ctx.document.kind === 'env', true)
    )
      unreadable.add(key);
  }
  const lookup: Lookup = (key) => {
    if (unreadable.has(key)) return { present: true, value: undefined };
    if (key.startsWith(style.separator) && instance.top) {
      const found = first(instance.top, key.slice(style.separator.length), style);
      return { present: found !== undefined, value: found?.value };
    }
    const entry = resolved.has(key) ? resolved.get(key) : at(key);
    return entry
      ? { present: true, value: entry.value }
      : { present: false, value: instance.keys[key]?.default };
  };
  const where = (key: string): KeyPath =>
    resolved.get(key)?.path ??
    at(key)?.path ??
    (instance.absentAtTable
      ? instance.root.path
      : literalPath(instance.root.path, key, style.separator));
  return { resolved, unreadable, lookup, where };
}

function checkInstance(ctx: CheckContext, instance: Instance, style: PathStyle): OnlineCheck[] {
  const { resolved, unreadable, lookup, where } = resolve(ctx, instance, style);
  const facts = gatherFacts(instance, resolved, unreadable, style);
  const online: OnlineCheck[] = [];
  for (const [key, spec] of keyList(instance.keys)) {
    const entry = resolved.get(key);
    if (!entry) {
      checkMissing(ctx, key, spec, () => where(key), lookup, style);
      continue;
    }
    const shown = label(entry.path, style.separator);
    checkKey(
      keyContext(ctx, shown, spec, entry.value),
      { path: entry.path, label: shown, value: entry.value, spec },
      facts,
      {
        placeholders: !instance.everyPlaceholder && !instance.schema,
        strict: instance.strict,
        types: !instance.schema,
        // `when`: the key's meaning applies only then (DataPress checks its audience only with auth on).
        meaning:
          spec['meaning-rules'] !== false &&
          (spec.when === undefined || holds(spec.when, lookup, ctx.target)),
      },
    );
    // An issuer inside the JSON (Hasura's JWT secret) is checked --online like any other.
    if (spec.type === 'json' && spec.keys) online.push(...checkJson(ctx, entry, spec));
  }
  if (instance.everyPlaceholder)
    checkEveryPlaceholder(ctx, instance.root, style, instance.matching);
  if (instance.closed)
    checkUnknown(
      ctx,
      instance.root,
      [...Object.keys(instance.keys), ...(instance.extra ?? [])],
      style,
      instance.matching,
    );
  const scope: CrossScope = { lookup, where, style };
  for (const rule of instance.checks) checkCross(ctx, rule, scope);
  return [...online, ...onlineChecks(ctx, instance, facts, scope)];
}

/** What --online fetches for the instance's issuers, when its `online.when` holds. */
function onlineChecks(
  ctx: CheckContext,
  instance: Instance,
  facts: Facts,
  { lookup, where, style }: CrossScope,
): OnlineCheck[] {
  const { when, 'required-when': requiredWhen } = instance.online ?? {};
  if (when && !holds(when, lookup, ctx.target)) return [];
  const required = requiredWhen !== undefined && holds(requiredWhen, lookup, ctx.target);
  // The setting that makes the issuer required, for the message: `auth.start_degraded = false`.
  const because =
    required && requiredWhen.key
      ? `${label(where(requiredWhen.key), style.separator)} = ${String(lookup(requiredWhen.key).value)}`
      : undefined;
  return facts.issuers
    .filter((iss) => iss.online)
    .map((iss) => ({
      issuer: iss.value,
      path: [...iss.path],
      algorithms: facts.algorithms,
      audience: facts.audiences[0]?.values,
      ...(facts.scopes ? { scopes: facts.scopes } : {}),
      ...(facts.refreshSecs !== undefined ? { refreshSecs: facts.refreshSecs } : {}),
      ...(required ? { required, requiredBy: because } : {}),
    }));
}

function gatherFacts(
  instance: Instance,
  resolved: Map<string, Entry | undefined>,
  unreadable: Set<string>,
  style: PathStyle,
): Facts {
  const facts: Facts = { issuers: [], audiences: [] };
  for (const [key, spec] of keyList(instance.keys)) {
    const entry = unreadable.has(key) ? undefined : resolved.get(key);
    const value = entry?.value ?? spec.default;
    if (value === undefined) continue;
    if (spec.meaning === 'algorithms') facts.algorithms = asList(value, spec.separator);
    if (spec.meaning === 'scopes')
      facts.scopes = [...(facts.scopes ?? []), ...(asList(value, spec.separator) ?? [])];
    if (spec.meaning === 'jwks-cache')
      facts.refreshSecs = asSeconds(value, spec.unit ?? 'duration');
    // Only an http(s) URL can be fetched: the URL and required rules report the others.
    if (spec.meaning === 'issuer' && entry && isHttpUrl(asString(value)))
      facts.issuers.push({
        path: entry.path,
        value: asString(value)!,
        label: label(entry.path, style.separator),
        online: spec.online !== false,
      });
    if (spec.meaning === 'audience' && entry)
      facts.audiences.push({
        path: entry.path,
        values: asList(value, spec.separator) ?? [],
        label: label(entry.path, style.separator),
      });
  }
  facts.value = (key) => resolved.get(key)?.value ?? instance.keys[key]?.default;
  return facts;
}

/** A JSON object inside one value (Hasura's HASURA_GRAPHQL_JWT_SECRET): its keys are checked as a section. */
function checkJson(ctx: CheckContext, entry: Entry, spec: KeySpec): OnlineCheck[] {
  const data = parseJsonValue(entry.value);
  if (!data) return [];
  const inner: PathStyle = { separator: '.', keyCase: 'exact' };
  return checkInstance(
    ctx,
    {
      root: rootEntry(data, entry.path),
      keys: spec.keys!,
      checks: spec.checks ?? [],
      closed: false,
    },
    inner,
  );
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

function isHttpUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
