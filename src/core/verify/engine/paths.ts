import { ownKeysOf } from '../../table-keys.js';
import { child, LazyChild, type Entry } from './entry.js';
import {
  candidates,
  childrenOf,
  eachChild,
  normalize,
  scanned,
  SCAN_LIMIT,
  splitOnce,
  type Child,
  type PathStyle,
} from './tables.js';

export { pathTo, rootEntry, type Entry } from './entry.js';
export { normalize, splitOnce, withTableCache, type PathStyle } from './tables.js';

/** The children of an object or array entry (a Date is a value, not a table). */
export function children(entry: Entry, style: PathStyle): Entry[] {
  const value = entry.value;
  if (Array.isArray(value))
    return value.map((item, i) => ({
      path: [...entry.path, i],
      segments: [...entry.segments, String(i)],
      value: item,
    }));
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).map(([key, item]) => ({
    path: [...entry.path, key],
    segments: [...entry.segments, ...splitOnce(key, style)],
    value: item,
  }));
}

/** A profile's key pattern as normalized segments; `*` is one segment, `**` any number. */
export function compile(pattern: string, style: PathStyle): string[] {
  if (pattern === '' || pattern === '.') return [];
  return pattern
    .split(style.separator)
    .map((p) => (p === '*' || p === '**' ? p : normalize(p, style)));
}

/** `**` matches zero segments too: a state on it also stands past it. */
function closure(pattern: readonly string[], states: number[]): number[] {
  const out: number[] = [];
  for (let p of states) {
    if (!out.includes(p)) out.push(p);
    while (pattern[p] === '**') if (!out.includes(++p)) out.push(p);
  }
  return out;
}

/** Pattern positions after reading `segments` from `states` (a small NFA: `*` one, `**` any). */
function advance(
  pattern: readonly string[],
  states: number[],
  segments: readonly string[],
): number[] {
  let current = states;
  for (const segment of segments) {
    const next: number[] = [];
    for (const p of current) {
      const want = pattern[p];
      if (want === '**') next.push(p);
      else if (want !== undefined && (want === '*' || want === segment)) next.push(p + 1);
    }
    current = closure(pattern, next);
    if (current.length === 0) break;
  }
  return current;
}

/** Without `**` a pattern is deterministic: one position, no state sets (the common, hot case). */
function step(pattern: readonly string[], p: number, own: readonly string[]): number {
  for (const segment of own) {
    const want = pattern[p];
    if (want === undefined || (want !== '*' && want !== segment)) return -1;
    p++;
  }
  return p;
}

/**
 * Where a walk puts its matches: an Entry, or (looping over a `*` table) its parts, built if kept.
 * A child's `own` segments are undefined when not worked out yet: childEntry gives them if kept.
 */
export interface MatchSink {
  entry(found: Entry): void;
  child(parent: Entry, key: string, own: readonly string[] | undefined, value: unknown): void;
}

/** A child as an Entry, its key's segments worked out now when the walk left them undefined. */
export function childEntry(
  parent: Entry,
  key: string,
  own: readonly string[] | undefined,
  value: unknown,
  style: PathStyle,
): LazyChild {
  return new LazyChild(parent, key, own ?? splitOnce(key, style), value);
}

/**
 * The entries under `from` whose segments (relative to it) match `pattern`, depth first. Only the
 * branches the pattern can still match are walked: a literal path costs its depth, not the document.
 */
export function find(from: Entry, pattern: readonly string[], style: PathStyle): Entry[] {
  const out: Entry[] = [];
  const sink: MatchSink = {
    entry: (e) => out.push(e),
    child: (parent, key, own, value) => out.push(childEntry(parent, key, own, value, style)),
  };
  findInto(from, pattern, style, sink);
  return out;
}

/** `find`, each match handed to `sink` as it is found. */
export function findInto(
  from: Entry,
  pattern: readonly string[],
  style: PathStyle,
  sink: MatchSink,
): void {
  if (!pattern.includes('**')) {
    findFixed(from, pattern, 0, style, sink);
    return;
  }
  const visit = (entry: Entry, states: number[]) => {
    if (states.includes(pattern.length)) sink.entry(entry);
    eachChild(entry.value, style, (key, own, value) => {
      const next = advance(pattern, states, own);
      if (next.length) visit(child(entry, key, own, value), next);
    });
  };
  visit(from, closure(pattern, [0]));
}

/** The first entry `find` would return, without walking further (a profile's keys: the hot path). */
export function findFirst(
  from: Entry,
  pattern: readonly string[],
  style: PathStyle,
): Entry | undefined {
  if (pattern.includes('**')) return find(from, pattern, style)[0];
  if (pattern.length === 1 && pattern[0] !== '*') return firstChild(from, pattern[0]!, style);
  const trail: Child[] = [];
  if (!firstFixed(from.value, pattern, 0, style, trail)) return undefined;
  if (trail.length === 0) return from;
  // An Entry only for the match: most declared keys of an instance are absent, and those cost none.
  const path = [...from.path];
  const segments = [...from.segments];
  for (const [key, own] of trail) {
    path.push(key);
    segments.push(...own);
  }
  return { path, segments, value: trail[trail.length - 1]![2] };
}

/**
 * Many keys one literal segment below `from` at once (an instance's declared keys): one pass over
 * its children instead of one per key. `wants` maps a segment to the places in `found` of the keys
 * it is; each gets the first such child in document order, as `first` would.
 */
export function firstChildren(
  from: Entry,
  wants: ReadonlyMap<string, readonly number[]>,
  found: (Entry | undefined)[],
  style: PathStyle,
): void {
  const value = from.value;
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  const each = (key: string | number, own: readonly string[], item: unknown) => {
    const places = own.length === 1 ? wants.get(own[0]!) : undefined;
    if (places)
      for (const i of places) if (found[i] === undefined) found[i] = child(from, key, own, item);
  };
  if (!scanned(value, style)) {
    for (const [key, own, item] of childrenOf(value, style)) each(key, own, item);
    return;
  }
  for (const key in value)
    if (Object.hasOwn(value, key))
      each(key, splitOnce(key, style), (value as Record<string, unknown>)[key]);
}

/** A key one literal segment below `from` (most declared keys): no walk state at all. */
function firstChild(from: Entry, want: string, style: PathStyle): Entry | undefined {
  const value = from.value;
  if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  if (scanned(value, style)) {
    let n = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (++n > SCAN_LIMIT) break;
      const own = splitOnce(key, style);
      if (own.length === 1 && own[0] === want)
        return child(from, key, own, (value as Record<string, unknown>)[key]);
    }
    // Past the limit the table is large: the first keys did not match, the index finds the rest.
    if (n <= SCAN_LIMIT) return undefined;
  }
  for (const [key, own, item] of candidates(value, want, style))
    if (own.length === 1 && own[0] === want) return child(from, key, own, item);
  return undefined;
}

/** The first match of a fixed pattern, keeping the children on the way in `trail` instead of building Entries. */
function firstFixed(
  value: unknown,
  pattern: readonly string[],
  p: number,
  style: PathStyle,
  trail: Child[],
): boolean {
  if (p === pattern.length) return true;
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  const want = pattern[p]!;
  if (want !== '*' && scanned(value, style)) {
    let n = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (++n > SCAN_LIMIT) break;
      const own = splitOnce(key, style);
      const next = own[0] === want ? step(pattern, p, own) : -1;
      if (next < 0) continue;
      trail.push([key, own, (value as Record<string, unknown>)[key]]);
      if (firstFixed(trail[trail.length - 1]![2], pattern, next, style, trail)) return true;
      trail.pop();
    }
    if (n <= SCAN_LIMIT) return false;
  }
  for (const item of candidates(value, want, style)) {
    const next = step(pattern, p, item[1]);
    if (next < 0) continue;
    trail.push(item);
    if (firstFixed(item[2], pattern, next, style, trail)) return true;
    trail.pop();
  }
  return false;
}

/**
 * `find` for a pattern without `**` (one position per branch): a plain loop over the cached
 * children, no closures, and an Entry only for a child on the pattern (a dense file has thousands
 * of instances, found by one walk of their table).
 */
function findFixed(
  entry: Entry,
  pattern: readonly string[],
  p: number,
  style: PathStyle,
  out: MatchSink,
): void {
  if (p === pattern.length) {
    out.entry(entry);
    return;
  }
  const value = entry.value;
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (pattern[p] === '*' && !Array.isArray(value)) {
    findAll(entry, value, pattern, p, style, out);
    return;
  }
  for (const [key, own, item] of candidates(value, pattern[p]!, style)) {
    const next = step(pattern, p, own);
    if (next >= 0) findFixed(child(entry, key, own, item), pattern, next, style, out);
  }
}

/**
 * `*` over a table (a dense file's thousands of schemes), read in place: no cached children, and
 * a match that ends the pattern goes to the sink as its parts (a loop of its own, optimised as one).
 */
function findAll(
  entry: Entry,
  value: object,
  pattern: readonly string[],
  p: number,
  style: PathStyle,
  out: MatchSink,
): void {
  // Listed by the secret walk already when it is the document's large table (table-keys.ts).
  const keys = ownKeysOf(value);
  // Outside dotted styles a key is one segment, which `*` takes whatever it says: its normalized
  // form (a Map lookup per key, thousands per dense file) is made only for a child that is kept.
  const dotted = style.separator === '.';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const own = dotted ? splitOnce(key, style) : undefined;
    const next = own ? step(pattern, p, own) : p + 1;
    if (next < 0) continue;
    const item = (value as Record<string, unknown>)[key];
    if (next === pattern.length) out.child(entry, key, own, item);
    else findFixed(childEntry(entry, key, own, item, style), pattern, next, style, out);
  }
}

/** Does anything under `from` start with `pattern` (a detection key may name a table, not a leaf)? */
export function hasPrefix(from: Entry, pattern: readonly string[], style: PathStyle): boolean {
  const visit = (value: unknown, states: number[]): boolean => {
    if (states.includes(pattern.length)) return true;
    return eachChild(value, style, (_key, own, item) => {
      // A dotted key (`spring.security.oauth2: ...`) may run past the pattern's end.
      for (let n = 1; n < own.length; n++)
        if (advance(pattern, states, own.slice(0, n)).includes(pattern.length)) return true;
      const next = advance(pattern, states, own);
      return next.length > 0 && visit(item, next);
    });
  };
  return visit(from.value, closure(pattern, [0]));
}

const patterns = new WeakMap<PathStyle, Map<string, string[]>>();

/** Patterns compiled once per profile style: a section may have thousands of instances. */
export function compiled(key: string, style: PathStyle): string[] {
  let cache = patterns.get(style);
  if (!cache) patterns.set(style, (cache = new Map()));
  let pattern = cache.get(key);
  if (!pattern) cache.set(key, (pattern = compile(key, style)));
  return pattern;
}

/** The first entry under `root` that matches a profile's key. */
export function first(root: Entry, key: string, style: PathStyle): Entry | undefined {
  return findFirst(root, compiled(key, style), style);
}
