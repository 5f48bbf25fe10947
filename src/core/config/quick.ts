/**
 * A config checked without zod (issue #17): loading zod and building a section's schemas was most
 * of what a config file cost every command (`token mint` 36 → 46 ms for a [token] of one key).
 * QUICK_SHAPE (quick-shape.generated.ts) is authctlConfigSchema written down as plain data by
 * quick-derive.ts, and a test regenerates it. A config it accepts is one zod accepts, with the
 * same output; anything it cannot be sure of (a check it does not model, a default zod would
 * fill in, a value that fails) is UNSURE, and zod then validates and words the error.
 */
export type QuickNode =
  | { t: 'zod' }
  | {
      t: 'string';
      pattern?: [string, string];
      prefix?: string;
      min?: number;
      max?: number;
      /** z.url(): the protocol pattern it takes, if any. */
      url?: { protocol?: [string, string] };
    }
  | { t: 'number'; int?: true; min?: [number, boolean]; max?: [number, boolean] }
  | { t: 'boolean' }
  | { t: 'unknown' }
  | { t: 'oneof'; values: Array<string | number | boolean | null> }
  | { t: 'array'; of: QuickNode; min?: number; max?: number }
  | { t: 'record'; key: QuickNode; of: QuickNode }
  | { t: 'object'; props: Record<string, QuickProp> }
  | { t: 'union'; of: QuickNode[] }
  /** z.discriminatedUnion: the option its `key` names, by the tag's value. */
  | { t: 'tagged'; key: string; options: Record<string, QuickNode> };

/** A property of a strict object: optional, or filled in with zod's default (JSON) when absent. */
export interface QuickProp {
  node: QuickNode;
  optional: boolean;
  default?: unknown;
}

export const UNSURE: unique symbol = Symbol('unsure');
/** A value as zod outputs it, or UNSURE. */
type Checked = unknown;

const patterns = new Map<string, RegExp>();
function pattern([source, flags]: [string, string]): RegExp {
  const key = `${flags}/${source}`;
  let re = patterns.get(key);
  if (!re) patterns.set(key, (re = new RegExp(source, flags)));
  re.lastIndex = 0;
  return re;
}

/**
 * An object zod's record and object checks treat as plain, with nothing they see that quick.ts
 * would not: no symbol keys (zod's record refuses them), no own `constructor` (zod's plain-object
 * test looks at it).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (
    (proto === Object.prototype || proto === null) &&
    !Object.hasOwn(value, 'constructor') &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

function within(n: number, bound: [number, boolean] | undefined, below: boolean): boolean {
  if (!bound) return true;
  const [limit, inclusive] = bound;
  return below ? (inclusive ? n <= limit : n < limit) : inclusive ? n >= limit : n > limit;
}

function lengthOk(length: number, node: { min?: number; max?: number }): boolean {
  return (
    (node.min === undefined || length >= node.min) && (node.max === undefined || length <= node.max)
  );
}

type Checker<K extends QuickNode['t']> = (
  node: Extract<QuickNode, { t: K }>,
  value: unknown,
) => Checked;

/** zod measures a string in code points, not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function checkString(node: Extract<QuickNode, { t: 'string' }>, value: unknown): Checked {
  if (typeof value !== 'string') return UNSURE;
  if ((node.min !== undefined || node.max !== undefined) && !lengthOk(codePoints(value), node))
    return UNSURE;
  if (node.prefix !== undefined && !value.startsWith(node.prefix)) return UNSURE;
  if (node.url && !plainUrl(value, node.url.protocol)) return UNSURE;
  return node.pattern && !pattern(node.pattern).test(value) ? UNSURE : value;
}

/**
 * A URL zod's z.url() takes and outputs unchanged: a scheme and `//`, nothing zod would trim or
 * strip (outer whitespace, tabs, newlines), parsed by URL, of an allowed protocol. Any other
 * string, valid to zod or not, is UNSURE: zod's own rules (its http guard, trimming) then decide.
 */
function plainUrl(value: string, protocol: [string, string] | undefined): boolean {
  if (value !== value.trim() || /[\t\n\r]/.test(value) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return false;
  if (!URL.canParse(value)) return false;
  return !protocol || pattern(protocol).test(new URL(value).protocol.slice(0, -1));
}

function checkNumber(node: Extract<QuickNode, { t: 'number' }>, value: unknown): Checked {
  if (typeof value !== 'number' || !Number.isFinite(value)) return UNSURE;
  if (node.int && !Number.isSafeInteger(value)) return UNSURE;
  return within(value, node.min, false) && within(value, node.max, true) ? value : UNSURE;
}

function checkUnion(node: Extract<QuickNode, { t: 'union' }>, value: unknown): Checked {
  // zod answers with its first option that passes; quick-derive.ts models every option fully.
  for (const option of node.of) {
    const out = quickCheck(option, value);
    if (out !== UNSURE) return out;
  }
  return UNSURE;
}

const CHECKERS: { [K in QuickNode['t']]: Checker<K> } = {
  zod: () => UNSURE,
  string: checkString,
  number: checkNumber,
  boolean: (_, value) => (typeof value === 'boolean' ? value : UNSURE),
  unknown: (_, value) => value,
  oneof: (node, value) => (node.values.includes(value as string) ? value : UNSURE),
  array: checkArray,
  record: checkRecord,
  object: checkObject,
  union: checkUnion,
  tagged: (node, value) => {
    const tag = isPlainObject(value) ? value[node.key] : undefined;
    return typeof tag === 'string' && Object.hasOwn(node.options, tag)
      ? quickCheck(node.options[tag]!, value)
      : UNSURE;
  },
};

/** `value` as zod would output it under `node`, or UNSURE. */
export function quickCheck(node: QuickNode, value: unknown): Checked {
  const check = CHECKERS[node.t] as Checker<QuickNode['t']> | undefined;
  return check ? check(node as never, value) : UNSURE;
}

function checkArray(node: Extract<QuickNode, { t: 'array' }>, value: unknown): Checked {
  if (!Array.isArray(value) || !lengthOk(value.length, node)) return UNSURE;
  const out: unknown[] = [];
  for (const item of value) {
    const checked = quickCheck(node.of, item);
    if (checked === UNSURE) return UNSURE;
    out.push(checked);
  }
  return out;
}

function checkRecord(node: Extract<QuickNode, { t: 'record' }>, value: unknown): Checked {
  if (!isPlainObject(value)) return UNSURE;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Assigning "__proto__" sets a prototype: zod's own handling is the one to follow.
    if (key === '__proto__' || quickCheck(node.key, key) === UNSURE) return UNSURE;
    const checked = quickCheck(node.of, value[key]);
    if (checked === UNSURE) return UNSURE;
    out[key] = checked;
  }
  return out;
}

/** Strict: an unknown key is zod's to report. The output has the shape's key order, as zod's has. */
function checkObject(node: Extract<QuickNode, { t: 'object' }>, value: unknown): Checked {
  if (!isPlainObject(value)) return UNSURE;
  for (const key of Object.keys(value)) if (!Object.hasOwn(node.props, key)) return UNSURE;
  const out: Record<string, unknown> = {};
  for (const [key, { node: prop, optional, default: fill }] of Object.entries(node.props)) {
    if (!Object.hasOwn(value, key)) {
      // zod's default is its value copied (shallowly; a JSON default has no shared parts then).
      if (fill !== undefined) out[key] = structuredClone(fill);
      else if (!optional) return UNSURE;
      continue;
    }
    if (value[key] === undefined) return UNSURE;
    const checked = quickCheck(prop, value[key]);
    if (checked === UNSURE) return UNSURE;
    out[key] = checked;
  }
  return out;
}
