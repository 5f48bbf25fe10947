import type { CheckContext } from '../context.js';
import type { OnlineCheck } from './checker.js';
import type { KeyPath } from '../types.js';
import type { Looked, Lookup } from './conditions.js';
import { isEmpty, label, typeValid } from './keys.js';
import type { CrossScope } from './cross.js';
import type { Facts, Located } from './meanings.js';
import type { Reference } from './files.js';
import { compiled, first, firstChildren, type Entry, type PathStyle } from './paths.js';
import type { AbsentAt, CrossRule, KeySpec, Section } from './schema.js';
import { isHttpsUrl } from '../common.js';
import { asList, asSeconds, asString } from './values.js';

/** One place a section applies: the root, or each match of its `at` pattern. */
export interface Instance {
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

/** A section's declared keys as a list and by name, built once: every instance walks them. */
export interface KeyPlan {
  list: [string, KeySpec][];
  index: Map<string, number>;
  /** Whether a key names a file to read (`file`): most sections have none, and skip the read. */
  files: boolean;
  /** Keys that are one literal segment (most), by that segment in the style they were compiled in. */
  single?: { style: PathStyle; wants: Map<string, number[]>; others: number[] };
}

const plans = new WeakMap<Record<string, KeySpec>, KeyPlan>();

export function keyPlan(keys: Record<string, KeySpec>): KeyPlan {
  let plan = plans.get(keys);
  if (!plan) {
    const list = Object.entries(keys);
    plan = {
      list,
      index: new Map(list.map(([key], i) => [key, i])),
      files: list.some(([, spec]) => spec.file !== undefined),
    };
    plans.set(keys, plan);
  }
  return plan;
}

/** The plan's one-segment keys by segment (found in one pass over an instance), and the rest. */
function singles(plan: KeyPlan, style: PathStyle): NonNullable<KeyPlan['single']> {
  if (plan.single?.style === style) return plan.single;
  const wants = new Map<string, number[]>();
  const others: number[] = [];
  plan.list.forEach(([key], i) => {
    const pattern = compiled(key, style);
    const segment = pattern.length === 1 && pattern[0] !== '*' && pattern[0] !== '**';
    if (!segment) others.push(i);
    else if (wants.has(pattern[0]!)) wants.get(pattern[0]!)!.push(i);
    else wants.set(pattern[0]!, [i]);
  });
  return (plan.single = { style, wants, others });
}

/** An absent key without a default (most, asked by every instance's checks): one shared answer. */
const ABSENT: Looked = Object.freeze({ present: false, value: undefined });

/**
 * The declared keys found in an instance, each looked up once (others on first ask): a dense
 * file has thousands of instances, and `where` and `lookup` ask again for each missing key. Kept
 * in arrays by the key's place in the plan, not in maps per instance; with strict types, a value
 * of the wrong type reads as none.
 */
export class InstanceKeys implements CrossScope {
  readonly plan: KeyPlan;
  /** The first entry of each declared key, as found (an empty value too). */
  private readonly found: (Entry | undefined)[];
  /** The same, without empty values of `non-empty` keys: what is set. */
  private readonly set: (Entry | undefined)[];
  private unreadable?: Set<string>;
  private others?: Map<string, Entry | undefined>;
  readonly lookup: Lookup;

  constructor(
    ctx: CheckContext,
    private readonly instance: Instance,
    readonly style: PathStyle,
  ) {
    this.plan = keyPlan(instance.keys);
    const env = ctx.document.kind === 'env';
    const { list } = this.plan;
    this.found = new Array<Entry | undefined>(list.length);
    this.set = new Array<Entry | undefined>(list.length);
    const { wants, others } = singles(this.plan, style);
    firstChildren(instance.root, wants, this.found, style);
    for (const i of others) this.found[i] = first(instance.root, list[i]![0], style);
    for (let i = 0; i < list.length; i++) {
      const [key, spec] = list[i]!;
      const entry = this.found[i];
      this.set[i] = entry && isEmpty(spec, entry.value) ? undefined : entry;
      if (entry && instance.strict && !typeValid(spec, entry.value, env, true))
        (this.unreadable ??= new Set()).add(key);
    }
    this.lookup = Object.assign((key: string) => this.look(key), {
      env: instance.env,
      file: (key: string) => instance.files?.get(key)?.text !== undefined,
    });
  }

  /** Where a finding about a key points: where it is set, else where its `absent-at` says. */
  where(key: string): KeyPath {
    return this.at(key)?.path ?? absentPath(this.instance, key, this.style);
  }

  /** The i-th declared key's entry when it is set (not absent, not empty). */
  setAt(i: number): Entry | undefined {
    return this.set[i];
  }

  /** Set and of a readable type: what the key's meaning sees. */
  readableAt(i: number): Entry | undefined {
    return this.unreadable?.has(this.plan.list[i]![0]) ? undefined : this.set[i];
  }

  /** The first entry of any key (declared or not), empty or not. */
  at(key: string): Entry | undefined {
    const i = this.plan.index.get(key);
    if (i !== undefined) return this.found[i];
    this.others ??= new Map();
    if (!this.others.has(key)) this.others.set(key, first(this.instance.root, key, this.style));
    return this.others.get(key);
  }

  /** The value of a key set in this instance (a declared key's default when it is not). */
  value(key: string): unknown {
    const i = this.plan.index.get(key);
    return (i === undefined ? undefined : this.set[i]?.value) ?? this.instance.keys[key]?.default;
  }

  private look(key: string): Looked {
    if (this.unreadable?.has(key)) return { present: true, value: undefined };
    const { instance, style } = this;
    if (key.startsWith(style.separator) && instance.top) {
      const found = first(instance.top, key.slice(style.separator.length), style);
      return { present: found !== undefined, value: found?.value };
    }
    const i = this.plan.index.get(key);
    const entry = i !== undefined ? this.set[i] : this.at(key);
    if (entry) return { present: true, value: entry.value };
    const fallback = instance.keys[key]?.default;
    return fallback === undefined ? ABSENT : { present: false, value: fallback };
  }
}

/** A key path whose label is built on first read: most are never shown. */
class Labelled {
  private shown?: string;

  constructor(
    readonly path: KeyPath,
    private readonly separator: string,
  ) {}

  get label(): string {
    return (this.shown ??= label(this.path, this.separator));
  }
}

/** A key being checked; its label (`Authentication:Schemes:x:Authority`) is built only for a message. */
export class LocatedKey extends Labelled implements Located {
  constructor(
    path: KeyPath,
    readonly value: unknown,
    readonly spec: KeySpec,
    separator: string,
  ) {
    super(path, separator);
  }
}

class FactIssuer extends Labelled {
  constructor(
    path: KeyPath,
    separator: string,
    readonly value: string,
    readonly online: boolean,
  ) {
    super(path, separator);
  }
}

class FactAudience extends Labelled {
  constructor(
    path: KeyPath,
    separator: string,
    readonly values: string[],
  ) {
    super(path, separator);
  }
}

/** Turns a pattern into a path for positions: its literal head (a missing key is shown at its table). */
function literalPath(prefix: KeyPath, pattern: string, separator: string): KeyPath {
  return [...prefix, ...literalHead(pattern, separator)];
}

const heads = new Map<string, Map<string, string[]>>();

/** A pattern's segments before its first wildcard, split once per separator (asked per instance). */
function literalHead(pattern: string, separator: string): string[] {
  let bySeparator = heads.get(separator);
  if (!bySeparator) heads.set(separator, (bySeparator = new Map()));
  let head = bySeparator.get(pattern);
  if (!head) {
    const parts = pattern.split(separator);
    const wild = parts.findIndex((part) => part === '*' || part === '**');
    bySeparator.set(pattern, (head = wild < 0 ? parts : parts.slice(0, wild)));
  }
  return head;
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

/** What the instance's keys say about its auth (issuers, audiences, ...), before the per-key checks. */
export function gatherFacts(instance: Instance, keys: InstanceKeys, style: PathStyle): Facts {
  const facts: Facts = { issuers: [], audiences: [] };
  const { list } = keys.plan;
  for (let i = 0; i < list.length; i++) {
    const spec = list[i]![1];
    if (spec.meaning === undefined) continue;
    const entry = keys.readableAt(i);
    const value = entry?.value ?? spec.default;
    if (value === undefined) continue;
    if (spec.meaning === 'algorithms') facts.algorithms = asList(value, spec.separator);
    if (spec.meaning === 'scopes')
      facts.scopes = [...(facts.scopes ?? []), ...(asList(value, spec.separator) ?? [])];
    if (spec.meaning === 'jwks-cache')
      facts.refreshSecs = asSeconds(value, spec.unit ?? 'duration');
    // Only an http(s) URL can be fetched: the URL and required rules report the others.
    if (spec.meaning === 'issuer' && entry && isHttpUrl(asString(value)))
      facts.issuers.push(
        new FactIssuer(entry.path, style.separator, asString(value)!, spec.online !== false),
      );
    if (spec.meaning === 'audience' && entry)
      facts.audiences.push(
        new FactAudience(entry.path, style.separator, asList(value, spec.separator) ?? []),
      );
  }
  facts.section = keys;
  return facts;
}

function isHttpUrl(value: string | undefined): value is string {
  if (!value) return false;
  if (isHttpsUrl(value)) return true;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
