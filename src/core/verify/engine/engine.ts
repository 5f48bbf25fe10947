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
  keyContext,
  label,
  parseJsonValue,
  type KeyOptions,
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
import { gatherFacts, InstanceKeys, keyPlan, LocatedKey, type Instance } from './instance.js';
import {
  childEntry,
  compiled,
  find,
  findInto,
  first,
  rootEntry,
  withTableCache,
  type Entry,
  type PathStyle,
} from './paths.js';
import { quickCheck, quickClean, quickPlan, type QuickPlan } from './quick.js';
import type { KeySpec, ProfileDefinition, Section } from './schema.js';

/** `schema` validators bring zod and authctl's whole config schema: loaded only for a profile naming one. */
const validators = () => import('./validators.js');

/** Turns a profile file into a checker: the same interface the hand-written profiles implement. */
export function engineChecker(def: ProfileDefinition): ProfileChecker {
  const style: PathStyle = { separator: def.separator, keyCase: def['key-case'] };
  return {
    // Detection asks each detect key of the root table: a large one (a 40k-line .env) is listed
    // once for them all, as in a check, not once per key.
    detect: (document) => withTableCache(() => detect(def, style, document)),
    check: (ctx, deps) => withTableCache(() => checkDocuments(def, style, ctx, deps)),
  };
}

/** The profile's checks of the context's document (and the documents it holds: YAML's `---`). */
async function checkDocuments(
  def: ProfileDefinition,
  style: PathStyle,
  ctx: CheckContext,
  deps: ProfileDeps | undefined,
): Promise<OnlineCheck[]> {
  const env = environment(deps);
  const validate = def.schema ? (await validators()).VALIDATORS[def.schema] : undefined;
  const online: OnlineCheck[] = [];
  const quickOnline = deps?.online === false ? undefined : online;
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
    const shared = { top: root, strict, schema, env };
    /** `quickTried`: the quick pass already answered no for it (not a second read of its keys). */
    const check = async (instance: Instance, quickTried = false) => {
      // Most sections name no file: their thousands of instances skip the read (and its await).
      if (keyPlan(instance.keys).files) {
        instance.files = await readReferences(sub, instance.root, instance.keys, style, deps);
        instance.follow = (ref) => follow(sub, ref, { def, style, env, strict });
      }
      const checks = quickTried ? checkInstance : checkAny;
      online.push(...checks(sub, instance, style));
    };
    await check(top);
    for (const section of def.sections) {
      if (section.formats && !section.formats.includes(document.kind)) continue;
      const fields = sectionFields(section, shared);
      const plan = quickPlan(fields, style);
      // Without --online a clean instance (most of a dense file's) is not even an Entry.
      if (plan && !quickOnline && !section.when) {
        for (const found of unclean(root, section, plan, style))
          await check({ ...fields, root: found }, true);
        continue;
      }
      // A clean instance needs no Instance of its own.
      const found = matches(root, section, style, ctx.target);
      for (let i = 0; i < found.length; i++)
        if (!quickCheck(plan, found[i]!, quickOnline))
          await check({ ...fields, root: found[i]! }, true);
    }
  }
  return online;
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
  const shared = { top: root, strict: run.strict, env: run.env, referrer };
  return sections.flatMap((section) =>
    instances(root, section, run.style, ctx.target, shared).flatMap((i) =>
      checkAny(sub, i, run.style),
    ),
  );
}

/** What every instance of a section has (with the run's `shared` fields), built once per section. */
function sectionFields(section: Section, shared: Partial<Instance>): Omit<Instance, 'root'> {
  return {
    keys: section.keys,
    checks: section.checks,
    closed: section.closed === true,
    everyPlaceholder: section.placeholders === 'every-key',
    absentAt: section['absent-at'],
    unknown: section.unknown,
    online: section.online,
    ...shared,
  };
}

/** The tables a section applies to under `root`: the matches of its `at` that meet its `when`. */
function matches(root: Entry, section: Section, style: PathStyle, target: Target): Entry[] {
  const out: Entry[] = [];
  const all = find(root, compiled(section.at, style), style);
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (e.value === null || typeof e.value !== 'object' || Array.isArray(e.value)) continue;
    if (!section.when || holds(section.when, (key) => looked(first(e, key, style)), target))
      out.push(e);
  }
  return out;
}

/**
 * The tables of a section with no `when` that the quick pass does not find clean, as `matches`
 * would list them. A dense file's clean thousands are judged where the walk finds them, with no
 * Entry or list of them: what a check allocates while the document is alive is what every young
 * collection then has to copy (a 1 MB file's checks spent more in the collector than in the rules).
 */
function unclean(root: Entry, section: Section, plan: QuickPlan, style: PathStyle): Entry[] {
  const out: Entry[] = [];
  const keep = (value: unknown) =>
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !quickClean(plan, value as Record<string, unknown>);
  findInto(root, compiled(section.at, style), style, {
    entry: (found) => keep(found.value) && out.push(found),
    child: (parent, key, own, value) =>
      keep(value) && out.push(childEntry(parent, key, own, value, style)),
  });
  return out;
}

const looked = (entry: Entry | undefined) => ({
  present: entry !== undefined,
  value: entry?.value,
});

/** The section's instances under `root`, each with the run's `shared` fields. */
function instances(
  root: Entry,
  section: Section,
  style: PathStyle,
  target: Target,
  shared: Partial<Instance>,
): Instance[] {
  const fields = sectionFields(section, shared);
  return matches(root, section, style, target).map((e) => ({ ...fields, root: e }));
}

/** The quick pass for a clean instance, else the full checks. */
function checkAny(ctx: CheckContext, instance: Instance, style: PathStyle): OnlineCheck[] {
  const online: OnlineCheck[] = [];
  return quickCheck(quickPlan(instance, style), instance.root, online)
    ? online
    : checkInstance(ctx, instance, style);
}

/** A required key that is not set, reported where its `absent-at` says (the referring config's key). */
function reportMissing(
  ctx: CheckContext,
  instance: Instance,
  keys: InstanceKeys,
  key: string,
  scope: CrossScope,
): void {
  const spec = instance.keys[key]!;
  // An optional key (most absent ones) can report nothing: checkMissing would return at once.
  if (spec.required !== true && spec['required-when'] === undefined) return;
  const referrer =
    spec['absent-at'] === 'referrer' && keys.at(key) === undefined ? instance.referrer : undefined;
  // The position is computed only for a finding (most absent keys are optional).
  const [at, path]: [CheckContext, () => KeyPath] = referrer
    ? [referrer.ctx, () => referrer.path]
    : [ctx, () => scope.where(key)];
  checkMissing(at, key, spec, path, scope.lookup, scope.style);
}

/** The files the instance names: one that does not exist is reported, the others checked when their `when` holds. */
function checkReferences(ctx: CheckContext, instance: Instance, lookup: Lookup): OnlineCheck[] {
  const online: OnlineCheck[] = [];
  if (!instance.files) return online;
  for (const ref of instance.files.values()) {
    const when = ref.spec.file?.when;
    if (ref.text === undefined) reportMissingFile(ctx, ref);
    else if (!when || holds(when, lookup, ctx.target))
      online.push(...(instance.follow?.(ref) ?? []));
  }
  return online;
}

function checkInstance(ctx: CheckContext, instance: Instance, style: PathStyle): OnlineCheck[] {
  const keys = new InstanceKeys(ctx, instance, style);
  const { lookup } = keys;
  const facts = gatherFacts(instance, keys, style);
  const online: OnlineCheck[] = [];
  // The instance's keys answer the cross rules' lookups themselves: a closure made per instance
  // for them kept each checked document alive until a full collection (see tables.ts).
  const scope: CrossScope = keys;
  const { list } = keys.plan;
  // The same options for every key of the instance, but for whether its meaning applies.
  const withMeaning: KeyOptions = {
    placeholders: !instance.everyPlaceholder && !instance.schema,
    strict: instance.strict,
    types: !instance.schema,
    meaning: true,
  };
  const withoutMeaning: KeyOptions = { ...withMeaning, meaning: false };
  for (let i = 0; i < list.length; i++) {
    const [name, spec] = list[i]!;
    const entry = keys.setAt(i);
    if (!entry) {
      reportMissing(ctx, instance, keys, name, scope);
      continue;
    }
    const key = new LocatedKey(entry.path, entry.value, spec, style.separator);
    checkKey(
      // Only a key with its own messages needs its label now; the others only for a finding.
      spec.report === undefined ? ctx : keyContext(ctx, key.label, spec, entry.value),
      key,
      facts,
      // `when`: the key's meaning applies only then (DataPress checks its audience only with auth on).
      spec['meaning-rules'] !== false &&
        (spec.when === undefined || holds(spec.when, lookup, ctx.target))
        ? withMeaning
        : withoutMeaning,
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
  for (const rule of instance.checks) checkCross(ctx, rule, scope);
  online.push(...onlineChecks(ctx, instance, facts, scope));
  return online;
}

/** What --online fetches for the instance's issuers, when its `online.when` holds. */
function onlineChecks(
  ctx: CheckContext,
  instance: Instance,
  facts: Facts,
  scope: CrossScope,
): OnlineCheck[] {
  const { lookup, style } = scope;
  const { when, 'required-when': requiredWhen } = instance.online ?? {};
  if (when && !holds(when, lookup, ctx.target)) return [];
  const required = requiredWhen !== undefined && holds(requiredWhen, lookup, ctx.target);
  // The setting that makes the issuer required, for the message: `auth.start_degraded = false`.
  const because =
    required && requiredWhen.key
      ? `${label(scope.where(requiredWhen.key), style.separator)} = ${String(lookup(requiredWhen.key).value)}`
      : undefined;
  const checks: OnlineCheck[] = [];
  for (const iss of facts.issuers) {
    if (!iss.online) continue;
    // Optional fields assigned in the report's order, without an object spread per issuer.
    const check: OnlineCheck = {
      issuer: iss.value,
      path: [...iss.path],
      algorithms: facts.algorithms,
      audience: facts.audiences[0]?.values,
    };
    if (facts.scopes) check.scopes = facts.scopes;
    if (facts.refreshSecs !== undefined) check.refreshSecs = facts.refreshSecs;
    if (required) {
      check.required = required;
      check.requiredBy = because;
    }
    checks.push(check);
  }
  return checks;
}

/** A JSON object inside one value (Hasura's HASURA_GRAPHQL_JWT_SECRET): its keys are checked as a section. */
function checkJson(ctx: CheckContext, entry: Entry, spec: KeySpec): OnlineCheck[] {
  const data = parseJsonValue(entry.value);
  if (!data) return [];
  const inner: PathStyle = { separator: '.', keyCase: 'exact' };
  return checkAny(
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

export { globMatch } from './detect.js';
