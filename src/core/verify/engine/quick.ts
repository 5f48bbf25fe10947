import { mayHavePlaceholder } from '../common.js';
import type { OnlineCheck } from './checker.js';
import type { Instance } from './instance.js';
import { CLEAN } from './meanings.js';
import { compiled, pathTo, splitOnce, type Entry, type PathStyle } from './paths.js';
import { ownKeysOnly } from './tables.js';
import type { CrossRule, KeySpec } from './schema.js';
import { asList, asSeconds } from './values.js';

/**
 * The quick pass of issue #17: a dense file has thousands of instances of one section, nearly all
 * clean. Compiled once per section, a plan reads an instance's own keys in one pass (each distinct
 * key name normalised once per file, not per instance) into arrays it reuses, and tells with plain
 * predicates that the full checks would report nothing: then only the instance's --online checks
 * are built, with no entries, paths, facts or closures. Anything else (a key it does not know how
 * to judge, a value that might be reported, a key absent that may be required) sends the instance
 * through the full checks, which alone report: the pass decides nothing a finding depends on.
 */
interface QuickKey {
  /** The key as the section declares it (`Authority`). */
  name: string;
  spec: KeySpec;
  /** Whether its value would pass every check of the key; undefined: never judged here. */
  clean?: (value: unknown, spec: KeySpec, issuers: readonly string[]) => boolean;
  /** Absent, it may be reported (required, required-when): the full checks tell. */
  needed: boolean;
  issuer: boolean;
  audience: boolean;
  /**
   * The last primitive value found clean: a dense file repeats a few (`true`, `00:01:00`), whose
   * verdict depends on nothing else (an audience's does: on the issuers; it is never kept).
   */
  last: unknown;
}

const NONE = Symbol('none');

export interface QuickPlan {
  style: PathStyle;
  checks: CrossRule[];
  keys: QuickKey[];
  /** Cross rules by their keys' places: each type's clean case below. */
  cross: { type: CrossRule['type']; places: number[] }[];
  /** What an own key name is: a declared key's place, IGNORED, or FULL (the full checks decide). */
  names: Map<string, number>;
  /** Normalised segments that a declared key matches, and first segments of longer key patterns. */
  wants: Map<string, number>;
  deeper: Set<string>;
  /** Places of the keys that may be reported when absent, and of the issuers. */
  needed: number[];
  issuerPlaces: number[];
  /** Scratch for the instance being read: the first value and own name of each declared key. */
  values: unknown[];
  own: (string | undefined)[];
  /** The places set, in document order (`count` of them), and the issuer values. */
  found: number[];
  count: number;
  issuers: string[];
  /** The last table's first names and what each was: tables of one shape list them in order. */
  shape: string[];
  shapePlaces: number[];
}

const IGNORED = -1;
const FULL = -2;
const CROSS = new Set<CrossRule['type']>(['equal-issuers', 'at-least-one-of', 'conflicts']);

const plans = new WeakMap<Record<string, KeySpec>, QuickPlan | null>();

/** The section's plan, or null when its keys or rules need what only the full checks do. */
function planFor(keys: Record<string, KeySpec>, checks: CrossRule[], style: PathStyle) {
  let plan = plans.get(keys);
  if (plan === undefined || (plan !== null && (plan.style !== style || plan.checks !== checks))) {
    plan = compile(keys, checks, style);
    plans.set(keys, plan);
  }
  return plan;
}

function compile(
  keys: Record<string, KeySpec>,
  checks: CrossRule[],
  style: PathStyle,
): QuickPlan | null {
  const list: QuickKey[] = [];
  const wants = new Map<string, number>();
  const deeper = new Set<string>();
  for (const [name, spec] of Object.entries(keys)) {
    // Facts the online checks carry (algorithms, scopes, a JWKS cache) and keys naming files or JSON.
    if (spec.file || spec.type === 'json') return null;
    if (['algorithms', 'scopes', 'jwks-cache'].includes(spec.meaning ?? '')) return null;
    const pattern = compiled(name, style);
    if (pattern.length !== 1 || pattern[0] === '*' || pattern[0] === '**') {
      if (pattern[0] === undefined || pattern[0] === '*' || pattern[0] === '**') return null;
      if (spec.required || spec['required-when']) return null;
      deeper.add(pattern[0]);
      continue;
    }
    // Two declared spellings of one key: which is read is the full lookup's business.
    if (wants.has(pattern[0]!)) return null;
    wants.set(pattern[0]!, list.length);
    list.push(quickKey(name, spec));
  }
  const cross: QuickPlan['cross'] = [];
  for (const rule of checks) {
    const places = (rule.keys ?? []).map((k) => list.findIndex((key) => key.name === k));
    if (!CROSS.has(rule.type) || places.includes(-1)) return null;
    cross.push({ type: rule.type, places });
  }
  const n = list.length;
  const places = (which: (key: QuickKey) => boolean) =>
    list.flatMap((key, i) => (which(key) ? [i] : []));
  return {
    style,
    checks,
    keys: list,
    cross,
    names: new Map(),
    wants,
    deeper,
    needed: places((key) => key.needed),
    issuerPlaces: places((key) => key.issuer),
    values: new Array<unknown>(n),
    own: new Array<string | undefined>(n),
    found: [],
    count: 0,
    issuers: [],
    shape: [],
    shapePlaces: [],
  };
}

function quickKey(name: string, spec: KeySpec): QuickKey {
  const judged =
    !spec['renamed-to'] &&
    !spec.deprecated &&
    !spec.allowed &&
    !spec.pattern &&
    spec.entries !== 'trimmed' &&
    spec.when === undefined &&
    // An issuer's facts are its string value.
    (spec.meaning !== 'issuer' || ['string', 'url', undefined].includes(spec.type)) &&
    (spec['meaning-rules'] === false || !spec.meaning || CLEAN[spec.meaning] !== undefined);
  // An issuer is a fact (an --online check) only as an http(s) URL, whether its rules apply or not.
  const meaning =
    spec.meaning === 'issuer'
      ? CLEAN.issuer
      : spec['meaning-rules'] === false || !spec.meaning
        ? undefined
        : CLEAN[spec.meaning];
  return {
    name,
    spec,
    clean: judged
      ? (value, s, issuers) => typeClean(s, value) && (!meaning || meaning(value, s, issuers))
      : undefined,
    needed: spec.required === true || spec['required-when'] !== undefined,
    issuer: spec.meaning === 'issuer',
    audience: spec.meaning === 'audience',
    last: NONE,
  };
}

/**
 * The value is of the key's type (strict or not: these cases are valid both ways) and holds no
 * placeholder; an empty value of a `non-empty` key reads as absent, which the full checks handle.
 */
function typeClean(spec: KeySpec, value: unknown): boolean {
  if (typeof value === 'string' && (mayHavePlaceholder(value) || value === '')) return false;
  switch (spec.type ?? 'string') {
    case 'string':
    case 'url':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string-list':
      return Array.isArray(value) && allStrings(value);
    case 'duration':
      return typeof value === 'string' && asSeconds(value, spec.unit ?? 'duration') !== undefined;
    default:
      return false;
  }
}

function allStrings(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return true;
}

/** What an own key name is to the plan, worked out once per name (bounded, like splitOnce). */
function nameOf(plan: QuickPlan, key: string): number {
  let place = plan.names.get(key);
  if (place !== undefined) return place;
  const own = splitOnce(key, plan.style);
  // A dotted key spans segments (Spring): only the full walk matches it.
  if (own.length !== 1 || plan.deeper.has(own[0]!)) place = FULL;
  else place = plan.wants.get(own[0]!) ?? IGNORED;
  if (plan.names.size < 10_000) plan.names.set(key, place);
  return place;
}

/** The instance read into the plan's scratch arrays; false when a key name needs the full walk. */
function read(plan: QuickPlan, table: Record<string, unknown>): boolean {
  const { own, values, found, shape, shapePlaces } = plan;
  for (let f = 0; f < plan.count; f++) own[found[f]!] = undefined;
  plan.count = 0;
  let j = 0;
  const ownOnly = ownKeysOnly(table);
  for (const key in table) {
    if (!ownOnly && !Object.hasOwn(table, key)) continue;
    let place = shapePlaces[j]!;
    if (shape[j] !== key) {
      place = nameOf(plan, key);
      // Only a table's first names: a huge one must not stay in memory after its run.
      if (j < 64) {
        shape[j] = key;
        shapePlaces[j] = place;
      }
    }
    j++;
    if (place === FULL) return false;
    // The first spelling in document order is the one read, as the full lookup does.
    if (place !== IGNORED && own[place] === undefined) {
      own[place] = key;
      values[place] = table[key];
      found[plan.count++] = place;
    }
  }
  return true;
}

/** Each rule type's clean case, by which of its keys are set. */
function crossClean(plan: QuickPlan): boolean {
  for (let r = 0; r < plan.cross.length; r++) {
    const { type, places } = plan.cross[r]!;
    let set = 0;
    for (let k = 0; k < places.length; k++) if (plan.own[places[k]!] !== undefined) set++;
    // equal-issuers compares only when all are set; at-least-one-of wants one; conflicts, two.
    if (type === 'equal-issuers' && places.length >= 2 && set === places.length) return false;
    if (type === 'at-least-one-of' && set === 0) return false;
    if (type === 'conflicts' && set > 1) return false;
  }
  return true;
}

/** Every declared key: absent and never required, or set to a value its checks pass. */
function keysClean(plan: QuickPlan): boolean {
  const { keys, own, values, needed, issuerPlaces, found, issuers } = plan;
  for (let k = 0; k < needed.length; k++) if (own[needed[k]!] === undefined) return false;
  // Set in place (emptying the array would drop its storage); a value of another type fails the
  // issuer's own test, whichever key is judged first.
  let n = 0;
  for (let k = 0; k < issuerPlaces.length; k++) {
    const value = values[issuerPlaces[k]!];
    if (own[issuerPlaces[k]!] !== undefined && typeof value === 'string') issuers[n++] = value;
  }
  if (issuers.length !== n) issuers.length = n;
  for (let f = 0; f < plan.count; f++) {
    const key = keys[found[f]!]!;
    const value = values[found[f]!];
    if (value === key.last) continue;
    if (!key.clean?.(value, key.spec, issuers)) return false;
    if (!key.audience && (value === null || typeof value !== 'object')) key.last = value;
  }
  return true;
}

/** An --online check per issuer, as onlineChecks builds them from the facts, into `out`. */
function onlineOf(plan: QuickPlan, root: Entry, out: OnlineCheck[]): void {
  const { keys, own, values } = plan;
  // The facts' first audience: the first audience key in the section's order that is set.
  let first = 0;
  while (first < keys.length && !(keys[first]!.audience && own[first] !== undefined)) first++;
  // Its list as asList gives it: a list (of strings, as typeClean found) copied, a string split.
  const value = values[first];
  const audience =
    first === keys.length
      ? undefined
      : Array.isArray(value)
        ? (value.slice() as string[])
        : (asList(value, keys[first]!.spec.separator) ?? []);
  for (let i = 0; i < keys.length; i++) {
    if (!keys[i]!.issuer || own[i] === undefined || keys[i]!.spec.online === false) continue;
    const path = pathTo(root, own[i]!);
    out.push({ issuer: values[i] as string, path, algorithms: undefined, audience });
  }
}

/**
 * The quick pass's plan for the instances of a section (or a document's root), worked out once per
 * section; null when the pass cannot answer for them (closed, every-key placeholders, a schema
 * validator, files, conditional --online checks, or keys and rules it does not know).
 */
export function quickPlan(instance: Omit<Instance, 'root'>, style: PathStyle): QuickPlan | null {
  if (instance.closed || instance.everyPlaceholder || instance.schema || instance.files)
    return null;
  if (instance.online?.when || instance.online?.['required-when']) return null;
  // Nothing to judge (most profiles' root): the full checks are as quick, and one shape of plan
  // keeps the pass's optimised code from being thrown away for another.
  if (instance.checks.length === 0 && Object.keys(instance.keys).length === 0) return null;
  return planFor(instance.keys, instance.checks, style);
}

/**
 * When the quick pass finds the instance at `root` clean (the full checks would report nothing),
 * its --online checks go into `out` (unless the run wants none) and the answer is true; false: the
 * caller runs the full checks.
 */
export function quickCheck(
  plan: QuickPlan | null,
  root: Entry,
  out: OnlineCheck[] | undefined,
): boolean {
  if (!plan || !quickClean(plan, root.value as Record<string, unknown>)) return false;
  if (out) onlineOf(plan, root, out);
  return true;
}

/** Whether the full checks would report nothing for this table (its --online checks aside). */
export function quickClean(plan: QuickPlan, table: Record<string, unknown>): boolean {
  return read(plan, table) && keysClean(plan) && crossClean(plan);
}
