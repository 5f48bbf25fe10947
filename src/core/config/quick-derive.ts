import { isDeepStrictEqual } from 'node:util';
import type { QuickNode, QuickProp } from './quick.js';

/**
 * authctlConfigSchema (or any zod schema) as the plain data quick.ts checks with: what zod would
 * check, where quick.ts can check it exactly; everything else (a refine, a format, a default zod
 * fills in, a stripping object, a lazy or piped schema...) becomes `{ t: 'zod' }`. Run by the test
 * that writes quick-shape.generated.ts, never at run time (it reads zod's internals).
 */
interface ZodDef {
  type: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  [key: string]: unknown;
}
const defOf = (schema: unknown): ZodDef => (schema as { _zod: { def: ZodDef } })._zod.def;

const ZOD: QuickNode = { t: 'zod' };
/** def keys that change nothing quick.ts must know (the error message is zod's to word). */
const BENIGN = new Set(['type', 'checks', 'error']);

type Check = Record<string, unknown>;
/** One zod type: its def, the def's keys that matter (BENIGN ones dropped), its checks. */
type Deriver = (def: ZodDef, keys: string[], checks: Check[]) => QuickNode;

const scalar =
  (t: 'boolean' | 'unknown'): Deriver =>
  (_, keys, checks) =>
    keys.length || checks.length ? ZOD : { t };

const DERIVERS: Record<string, Deriver> = {
  string: (def, keys, checks) => {
    if (!keys.length) return withChecks({ t: 'string' }, checks);
    // z.url(), optionally of some protocols (no hostname pattern, no normalising).
    const url = def.format === 'url' && def.check === 'string_format';
    if (!url || !only(keys, ['format', 'check', 'abort', 'protocol'])) return ZOD;
    if (def.protocol !== undefined && !(def.protocol instanceof RegExp)) return ZOD;
    const protocol = def.protocol ? regexOf(def.protocol) : undefined;
    return withChecks({ t: 'string', url: protocol ? { protocol } : {} }, checks);
  },
  number: (_, keys, checks) => (keys.length ? ZOD : withChecks({ t: 'number' }, checks)),
  boolean: scalar('boolean'),
  unknown: scalar('unknown'),
  // A TypeScript numeric enum's entries hold its reverse mapping too, which zod drops.
  enum: (def, keys, checks) => {
    const values = Object.values(def.entries as Record<string, string | number>);
    return only(keys, ['entries']) && !checks.length && values.every((v) => typeof v === 'string')
      ? { t: 'oneof', values }
      : ZOD;
  },
  literal: (def, keys, checks) =>
    only(keys, ['values']) && !checks.length
      ? { t: 'oneof', values: [...(def.values as Array<string | number | boolean | null>)] }
      : ZOD,
  array: (def, keys, checks) =>
    only(keys, ['element'])
      ? withChecks({ t: 'array', of: deriveQuickShape(def.element) }, checks)
      : ZOD,
  record: (def, keys, checks) => {
    // String keys only: a record over an enum's keys requires every one of them.
    const key = deriveQuickShape(def.keyType);
    return only(keys, ['keyType', 'valueType']) && !checks.length && key.t === 'string'
      ? { t: 'record', key, of: deriveQuickShape(def.valueType) }
      : ZOD;
  },
  object: (def, keys, checks) => deriveObject(def, keys, checks.length),
  union: (def, keys, checks) => {
    if (def.discriminator !== undefined) return deriveTagged(def, keys, checks);
    // zod answers with the first option that passes, so quick.ts must know each option fully,
    // and the options must be apart by JavaScript type: quick.ts refuses some values zod takes (an
    // undefined property, an odd object), and an option after one it refused may not be zod's
    // answer. A discriminated union's tags are distinct, so the option that passes is the one
    // its tag picks. Not z.xor (inclusive: false): one option passing is not enough there.
    const options = ((def.options as unknown[]) ?? []).map(deriveQuickShape);
    const kinds = options.map(kindOf);
    return only(keys, ['options', 'discriminator', 'inclusive']) &&
      def.inclusive !== false &&
      !checks.length &&
      options.every((option) => !hasZod(option)) &&
      !kinds.includes('any') &&
      new Set(kinds).size === kinds.length
      ? { t: 'union', of: options }
      : ZOD;
  },
};

export function deriveQuickShape(schema: unknown): QuickNode {
  const def = defOf(schema);
  const keys = Object.keys(def).filter((key) => !BENIGN.has(key));
  const checks = (def.checks ?? []).map((check) => check._zod.def);
  return Object.hasOwn(DERIVERS, def.type) ? DERIVERS[def.type]!(def, keys, checks) : ZOD;
}

const only = (keys: string[], allowed: string[]) => keys.every((key) => allowed.includes(key));

/** The JavaScript type of the values `node` can accept ('any' when it may be several). */
function kindOf(node: QuickNode): string {
  if (node.t === 'record' || node.t === 'object') return 'object';
  if (node.t === 'oneof') {
    const types = new Set(node.values.map((v) => (v === null ? 'null' : typeof v)));
    return types.size === 1 ? [...types][0]! : 'any';
  }
  return node.t === 'string' || node.t === 'number' || node.t === 'boolean' || node.t === 'array'
    ? node.t
    : 'any';
}

/** Whether quick.ts would hand any part of `node` to zod. */
function hasZod(node: QuickNode): boolean {
  switch (node.t) {
    case 'zod':
      return true;
    case 'array':
      return hasZod(node.of);
    case 'record':
      return hasZod(node.key) || hasZod(node.of);
    case 'object':
      return Object.values(node.props).some((prop) => hasZod(prop.node));
    case 'union':
      return node.of.some(hasZod);
    case 'tagged':
      return Object.values(node.options).some(hasZod);
    default:
      return false;
  }
}

/** A regex as quick.ts rebuilds it (a `g` flag would make test() stateful). */
const regexOf = (re: RegExp): [string, string] => [re.source, re.flags.replace('g', '')];

/**
 * z.discriminatedUnion: zod parses with the option the tag's value picks (no fallback to the
 * others), so each option may leave parts to zod; tags must be strings, each of one option.
 */
function deriveTagged(def: ZodDef, keys: string[], checks: Check[]): QuickNode {
  const key = def.discriminator;
  if (typeof key !== 'string' || checks.length) return ZOD;
  if (!only(keys, ['options', 'discriminator', 'inclusive'])) return ZOD;
  const options: Record<string, QuickNode> = {};
  for (const option of (def.options as unknown[]) ?? []) {
    const node = deriveQuickShape(option);
    const tag = node.t === 'object' ? node.props[key] : undefined;
    if (!tag || tag.optional || tag.default !== undefined || tag.node.t !== 'oneof') return ZOD;
    for (const value of tag.node.values) {
      if (typeof value !== 'string' || Object.hasOwn(options, value)) return ZOD;
      options[value] = node;
    }
  }
  return { t: 'tagged', key, options };
}

/**
 * zod's `.default(value)` on a property, as quick.ts fills it in: JSON data only (a function's
 * or a Date's default is zod's to make), the same each time it is read.
 */
function jsonDefault(def: ZodDef): { value: unknown } | undefined {
  const first: unknown = def.defaultValue;
  const json = JSON.stringify(first);
  if (first === undefined || json === undefined || json !== JSON.stringify(def.defaultValue))
    return undefined;
  return isDeepStrictEqual(JSON.parse(json), first) ? { value: first } : undefined;
}

/** A strict object only (a plain z.object strips unknown keys: its output is not its input). */
function deriveObject(def: ZodDef, keys: string[], checks: number): QuickNode {
  const catchall = def.catchall === undefined ? undefined : defOf(def.catchall).type;
  if (!only(keys, ['shape', 'catchall']) || checks || catchall !== 'never') return ZOD;
  const props: Record<string, QuickProp> = {};
  for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
    const prop = defOf(value);
    if (prop.type === 'default') {
      const fill = jsonDefault(prop);
      const rest = Object.keys(prop).filter((k) => !BENIGN.has(k));
      if (!fill || !only(rest, ['innerType', 'defaultValue'])) return ZOD;
      props[key] = { node: deriveQuickShape(prop.innerType), optional: false, default: fill.value };
      continue;
    }
    const optional = prop.type === 'optional';
    const inner = optional ? prop.innerType : value;
    // A default (or anything zod might fill in when the key is absent) makes the output differ.
    if (
      optional &&
      !only(
        Object.keys(prop).filter((k) => !BENIGN.has(k)),
        ['innerType'],
      )
    )
      return ZOD;
    if (fillsIn(value)) return ZOD;
    const node = deriveQuickShape(inner);
    props[key] = { node, optional };
  }
  return { t: 'object', props };
}

/**
 * Whether zod may output a value for this property where the input has none: its `optin` is
 * "defaulted" for a default, and for an optional, union or lazy with one inside.
 */
function fillsIn(schema: unknown): boolean {
  return (schema as { _zod: { optin?: string } })._zod.optin === 'defaulted';
}

function withChecks<T extends Extract<QuickNode, { t: 'string' | 'number' | 'array' }>>(
  node: T,
  checks: Check[],
): QuickNode {
  const out: Record<string, unknown> = { ...node };
  const seen = new Set<string>();
  for (const check of checks) {
    const kind = `${node.t}:${String(check.check)}${check.format ? `:${String(check.format)}` : ''}`;
    // One of each: two regexes, or two minimums, are both zod's to check.
    if (seen.has(kind)) return ZOD;
    seen.add(kind);
    if (kind === 'string:string_format:regex' && check.pattern instanceof RegExp)
      out.pattern = regexOf(check.pattern);
    else if (kind === 'string:string_format:starts_with' && typeof check.prefix === 'string')
      out.prefix = check.prefix;
    else if (kind === 'number:number_format:safeint') out.int = true;
    else if (kind === 'number:greater_than') out.min = [check.value, check.inclusive];
    else if (kind === 'number:less_than') out.max = [check.value, check.inclusive];
    else if (kind.endsWith(':min_length') && node.t !== 'number') out.min = check.minimum;
    else if (kind.endsWith(':max_length') && node.t !== 'number') out.max = check.maximum;
    else return ZOD;
  }
  return out as QuickNode;
}
