/**
 * A document's tables as the path walk reads them: keys split into normalized segments once, and
 * a large table's children listed and indexed once per check run.
 */

/** How a profile writes and compares key paths. */
export interface PathStyle {
  separator: string;
  keyCase: 'exact' | 'insensitive' | 'relaxed';
}

export function normalize(segment: string, style: PathStyle): string {
  if (style.keyCase === 'exact') return segment;
  const lower = segment.toLowerCase();
  // Spring's relaxed binding: issuer-uri, issuerUri, issuer_uri and ISSUER_URI are one key.
  return style.keyCase === 'relaxed' ? lower.replace(/[-_]/g, '') : lower;
}

function split(segment: string | number, style: PathStyle): string[] {
  if (typeof segment === 'number') return [String(segment)];
  const parts = style.separator === '.' ? segment.split('.') : [segment];
  return parts.map((p) => normalize(p, style));
}

const splits = new WeakMap<PathStyle, Map<string, readonly string[]>>();

/**
 * A key's normalized segments, shared by every table that has the key (a dense file repeats a few
 * names thousands of times). Never mutated: callers copy them into paths.
 */
export function splitOnce(key: string, style: PathStyle): readonly string[] {
  let byKey = splits.get(style);
  if (!byKey) splits.set(style, (byKey = new Map()));
  let own = byKey.get(key);
  if (!own) {
    own = split(key, style);
    // Bounded like the secret-name cache: keys that never repeat (ids) must not grow it forever.
    if (byKey.size < 10_000) byKey.set(key, own);
  }
  return own;
}

export type Visit = (
  key: string | number,
  own: readonly string[],
  value: unknown,
) => boolean | void;

export type Child = [key: string | number, own: readonly string[], value: unknown];

/** A table's children, and for a large table its children by first segment (built on first ask). */
interface Children {
  list: Child[];
  byFirst?: Map<string, Child[]>;
}

/**
 * The children of the tables read by the check runs in progress, dropped when the last one ends.
 * Not a module-lifetime cache: a map that has grown old pointing at a new document keeps that
 * document, and all it reaches, alive through every young-generation collection until a full one
 * (a collector's remembered old-to-new pointers are roots; weak entries too). A 1 MB file checked
 * in a loop then copied 6 MB of dead documents per scavenge instead of 1.5.
 */
let runCache: WeakMap<PathStyle, WeakMap<object, Children>> | undefined;
let runsInProgress = 0;

/**
 * Runs `run` (a check, or a profile's detection) with the children of the tables it reads cached
 * until it, and any run beside it, ends; an async run ends when its promise settles.
 */
export function withTableCache<T>(run: () => T): T {
  if (runsInProgress === 0) plainPrototype = undefined;
  runsInProgress++;
  let result: T;
  try {
    result = run();
  } catch (error) {
    endRun();
    throw error;
  }
  if (result instanceof Promise) return result.finally(endRun) as T;
  endRun();
  return result;
}

function endRun(): void {
  if (--runsInProgress === 0) runCache = undefined;
}

/** The cache of a run in progress; outside one (detection, a library call) nothing is kept. */
function cacheFor(style: PathStyle): WeakMap<object, Children> | undefined {
  if (runsInProgress === 0) return undefined;
  runCache ??= new WeakMap();
  let byValue = runCache.get(style);
  if (!byValue) runCache.set(style, (byValue = new WeakMap()));
  return byValue;
}

/** The children of a table or list with their normalized segments, split once per style. */
function childrenIn(value: object, style: PathStyle): Children {
  const byValue = cacheFor(style);
  let children = byValue?.get(value);
  if (children) return children;
  const list: Child[] = [];
  if (Array.isArray(value)) value.forEach((item, i) => list.push([i, [String(i)], item]));
  else
    for (const key of Object.keys(value))
      list.push([key, splitOnce(key, style), (value as Record<string, unknown>)[key]]);
  children = { list };
  byValue?.set(value, children);
  return children;
}

export function childrenOf(value: object, style: PathStyle): Child[] {
  return childrenIn(value, style).list;
}

/** Above this many children a literal segment is looked up in an index, not by a scan. */
export const SCAN_LIMIT = 16;

/**
 * The children whose first segment can be `want` (`*`: all), in document order. A large table (the
 * thousands of schemes of a dense file) is indexed once, so a literal key costs O(1), not O(keys).
 */
export function candidates(value: object, want: string, style: PathStyle): readonly Child[] {
  const children = childrenIn(value, style);
  if (want === '*' || children.list.length <= SCAN_LIMIT) return children.list;
  if (!children.byFirst) {
    const index = new Map<string, Child[]>();
    for (const child of children.list) {
      const bucket = index.get(child[1][0]!);
      if (bucket) bucket.push(child);
      else index.set(child[1][0]!, [child]);
    }
    children.byFirst = index;
  }
  return children.byFirst.get(want) ?? [];
}

/** Calls `visit` for each child without building an Entry for it; `true` from `visit` stops. */
export function eachChild(value: unknown, style: PathStyle, visit: Visit): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  for (const [key, own, item] of childrenOf(value, style)) if (visit(key, own, item)) return true;
  return false;
}

/**
 * A table is cached (and indexed) once it turns out large; a small one (an instance's handful of
 * keys) is scanned in place: a dense file has thousands, and a cache each cost more than the scan.
 */
export function scanned(value: object, style: PathStyle): boolean {
  return !Array.isArray(value) && runCache?.get(style)?.has(value) !== true;
}

/** Whether Object.prototype has no enumerable key: asked once per check run (see ownKeysOnly). */
let plainPrototype: boolean | undefined;

function prototypeIsPlain(): boolean {
  if (plainPrototype !== undefined && runsInProgress > 0) return plainPrototype;
  plainPrototype = true;
  for (const _ in Object.prototype) plainPrototype = false;
  return plainPrototype;
}

/**
 * Whether `for (key in table)` yields the table's own keys only, so a loop over it need not test
 * each key with Object.hasOwn (a builtin call per key: ~2M instructions of the 42M a dense 1 MB
 * file's checks ran, callgrind): the parsers build plain or null-prototype objects, and unless
 * something enumerable was added to Object.prototype nothing is inherited.
 */
export function ownKeysOnly(table: object): boolean {
  const proto: unknown = Object.getPrototypeOf(table);
  return proto === null || (proto === Object.prototype && prototypeIsPlain());
}
