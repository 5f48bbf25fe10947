import type { CheckContext } from '../context.js';
import type { OnlineCheck, ProfileChecker, ProfileDeps } from './checker.js';
import type { KeyPath, Target } from '../types.js';
import { holds, type Looked, type Lookup } from './conditions.js';
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
import { detect } from './detect.js';
import {
  environment,
  readReferences,
  referencedDocument,
  reportMissingFile,
  type Reference,
} from './files.js';
import {
  compiled,
  find,
  first,
  literalPath,
  rootEntry,
  type Entry,
  type PathStyle,
} from './paths.js';
import type { AbsentAt, CrossRule, KeySpec, ProfileDefinition, Section } from './schema.js';
import { asList, asSeconds, asString } from './values.js';

/** One place a section applies: the root, or each match of its `at` pattern. */
interface Instance {
  root: Entry;
  /** The document's root: a condition key that starts with the separator (`.auth.issuer`) is read from it. */
  top?: Entry;
  keys: Record<string, KeySpec>;
  checks: CrossRule[];
  closed: boolean;
  /** closed: every undeclared key, or only close misspellings of declared ones. */
  unknown?: 'all' | 'typos';
  /** More names a closed instance accepts (the roots of sections). */
  extra?: string[];
  /** closed-matching: only these names are the service's. */
  matching?: string;
  /** Check every key's value for placeholders, not only declared keys' (after their type). */
  everyPlaceholder?: boolean;
  /** TOML/JSON types as written; a value of the wrong type is unreadable to conditions. */
  strict?: boolean;
  /** Where a finding about an absent key points, unless the key says otherwise. */
  absentAt?: AbsentAt;
  online?: Section['online'];
  /** A `schema` validator checks types and values: keys only add meanings. */
  schema?: boolean;
  /** The run's variables (--env-file, --from-env), for `env` conditions. */
  env?: (name: string) => Looked;
  /** The files the instance's `file` keys name, read beforehand; `follow` checks one. */
  files?: Map<string, Reference>;
  follow?: (ref: Reference) => OnlineCheck[];
  /** In a file another config names: that config and the key naming it (`absent-at = "referrer"`). */
  referrer?: { ctx: CheckContext; path: KeyPath };
}

/** `schema` validators bring zod and authctl's whole config schema: loaded only for a profile naming one. */
const validators = () => import('./validators.js');

/** Turns a profile file into a checker: the same interface the hand-written profiles implement. */
export function engineChecker(def: ProfileDefinition): ProfileChecker {
  const style: PathStyle = { separator: def.separator, keyCase: def['key-case'] };
  return {
    detect: (document) => detect(def, style, document),
    async check(ctx: CheckContext, deps?: ProfileDeps): Promise<OnlineCheck[]> {
      const env = environment(deps);
      const validate = def.schema ? (await validators()).VALIDATORS[def.schema] : undefined;
      const online: OnlineCheck[] = [];
      for (const document of [ctx.document, ...(ctx.document.more ?? [])]) {
        const sub = document === ctx.document ? ctx : ctx.sub(document);
        validate?.(sub);
        const root = rootEntry(document.data);
        // With a `schema`, the validator reports types: a wrong value is only left unread here.
        const strict = def.types === 'strict' || def.schema !== undefined;
        const schema = def.schema !== undefined;
        const top: Instance = {
          root,
          top: root,
          keys: def.keys,
          checks: def.checks,
          closed: def.closed === true,
          // Where sections sit counts as declared at the top level of a closed profile.
          extra: def.sections.map((s) => s.at.split(def.separator)[0]!),
          matching: def['closed-matching'],
          everyPlaceholder: def.placeholders === 'every-key',
          strict,
          schema,
          online: def.online,
          env,
        };
        const all = [
          top,
          ...def.sections
            .filter((s) => !s.formats || s.formats.includes(document.kind))
            .flatMap((section) => instances(root, section, style, ctx.target))
            .map((i) => ({ ...i, top: root, strict, schema, env })),
        ];
        for (const instance of all) {
          instance.files = await readReferences(sub, instance.root, instance.keys, style, deps);
          instance.follow = (ref) => follow(sub, ref, { def, style, env, strict });
          online.push(...checkInstance(sub, instance, style));
        }
      }
      return online;
    },
  };
}

/**
 * A file a key names, checked as its own document with the sections of its format (the files it
 * names in turn are not followed); a key it lacks may be reported at the key that named it.
 */
function follow(
  ctx: CheckContext,
  ref: Reference,
  run: { def: ProfileDefinition; style: PathStyle; env: (name: string) => Looked; strict: boolean },
): OnlineCheck[] {
  const sections = run.def.sections.filter((s) => s.formats?.includes(ref.spec.file!.format));
  const document = referencedDocument(ref, sections, run.env);
  const sub = ctx.sub(document);
  const root = rootEntry(document.data);
  const referrer = { ctx, path: ref.path };
  return sections.flatMap((section) =>
    instances(root, section, run.style, ctx.target).flatMap((i) =>
      checkInstance(
        sub,
        { ...i, top: root, strict: run.strict, env: run.env, referrer },
        run.style,
      ),
    ),
  );
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
      absentAt: section['absent-at'],
      unknown: section.unknown,
      online: section.online,
    }));
}

const keyLists = new WeakMap<Record<string, KeySpec>, [string, KeySpec][]>();

/** A section's declared keys as a list, built once: every instance walks it three times. */
function keyList(keys: Record<string, KeySpec>): [string, KeySpec][] {
  let list = keyLists.get(keys);
  if (!list) keyLists.set(keys, (list = Object.entries(keys)));
  return list;
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
  const lookup: Lookup = (key: string) => {
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
  lookup.env = instance.env;
  lookup.file = (key) => instance.files?.get(key)?.text !== undefined;
  const where = (key: string): KeyPath =>
    resolved.get(key)?.path ?? at(key)?.path ?? absentPath(instance, key, style);
  return { resolved, unreadable, lookup, where };
}

/** Where a key that is not set is reported: `absent-at` of the key, else of its section. */
function absentPath(instance: Instance, key: string, style: PathStyle): KeyPath {
  switch (instance.keys[key]?.['absent-at'] ?? instance.absentAt) {
    case 'table':
      return instance.root.path;
    case 'document':
    case 'referrer':
      return [];
    default:
      return literalPath(instance.root.path, key, style.separator);
  }
}

/** A required key that is not set, reported where its `absent-at` says (the referring config's key). */
function reportMissing(
  ctx: CheckContext,
  instance: Instance,
  key: string,
  scope: CrossScope,
): void {
  const spec = instance.keys[key]!;
  const referrer =
    spec['absent-at'] === 'referrer' && first(instance.root, key, scope.style) === undefined
      ? instance.referrer
      : undefined;
  // The position is computed only for a finding (most absent keys are optional).
  const [at, path]: [CheckContext, () => KeyPath] = referrer
    ? [referrer.ctx, () => referrer.path]
    : [ctx, () => scope.where(key)];
  checkMissing(at, key, spec, path, scope.lookup, scope.style);
}

/** The files the instance names: one that does not exist is reported, the others checked when their `when` holds. */
function checkReferences(ctx: CheckContext, instance: Instance, lookup: Lookup): OnlineCheck[] {
  const online: OnlineCheck[] = [];
  for (const ref of instance.files?.values() ?? []) {
    const when = ref.spec.file?.when;
    if (ref.text === undefined) reportMissingFile(ctx, ref);
    else if (!when || holds(when, lookup, ctx.target))
      online.push(...(instance.follow?.(ref) ?? []));
  }
  return online;
}

function checkInstance(ctx: CheckContext, instance: Instance, style: PathStyle): OnlineCheck[] {
  const { resolved, unreadable, lookup, where } = resolve(ctx, instance, style);
  const facts = gatherFacts(instance, resolved, unreadable, style);
  const online: OnlineCheck[] = [];
  for (const [key, spec] of keyList(instance.keys)) {
    const entry = resolved.get(key);
    if (!entry) {
      reportMissing(ctx, instance, key, { lookup, where, style });
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
      instance.unknown === 'typos',
    );
  online.push(...checkReferences(ctx, instance, lookup));
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

function isHttpUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export { globMatch } from './detect.js';
