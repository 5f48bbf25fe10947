/** Entries: a document's keys and values where the profile engine finds them, and their paths. */
import type { KeyPath } from '../types.js';

/** One key or value of a document: where it is (the real path) and how a profile matches it. */
export interface Entry {
  path: KeyPath;
  /** Normalized segments; dotted keys split when the profile writes paths with dots (Spring). */
  segments: string[];
  value: unknown;
}

/** The document's root as an entry (`base`: where an embedded document sits in its file). */
export function rootEntry(data: unknown, base: KeyPath = []): Entry {
  return { path: base, segments: [], value: data };
}

/** The entry one key below `entry` (`own`: the key's normalized segments). */
export function child(
  entry: Entry,
  key: string | number,
  own: readonly string[],
  value: unknown,
): Entry {
  return { path: joined(entry.path, [key]), segments: joined(entry.segments, own), value };
}

/**
 * `[...base, ...more]` sized exactly: a spread grows its array with slack, and concat is several
 * times slower; a dense file builds an entry for each of its thousands of keys.
 */
export function joined<T>(base: readonly T[], more: readonly T[]): T[] {
  const out = new Array<T>(base.length + more.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i]!;
  for (let j = 0; j < more.length; j++) out[base.length + j] = more[j]!;
  return out;
}

/**
 * A child found by `*` over a table (a dense file's thousands of schemes): its path and segments
 * are built on first read, which a clean instance (engine/quick.ts) never asks for.
 */
export class LazyChild implements Entry {
  private built?: KeyPath;
  private normalized?: string[];

  constructor(
    private readonly parent: Entry,
    private readonly key: string,
    private readonly own: readonly string[],
    readonly value: unknown,
  ) {}

  get path(): KeyPath {
    return (this.built ??= appended(this.parent.path, this.key));
  }

  /** `[...path, key]`, without building this entry's own path first. */
  pathTo(key: string): (string | number)[] {
    return this.built ? appended(this.built, key) : joined(this.parent.path, [this.key, key]);
  }

  get segments(): string[] {
    return (this.normalized ??= joined(this.parent.segments, this.own));
  }
}

/** The path of a key in `entry`'s table, without building the entry's own path when it has none yet. */
export function pathTo(entry: Entry, key: string): (string | number)[] {
  return entry instanceof LazyChild ? entry.pathTo(key) : appended(entry.path, key);
}

/** `[...base, last]` sized exactly (an --online check's path, one per issuer of a dense file). */
export function appended<T>(base: readonly T[], last: T): T[] {
  const out = new Array<T>(base.length + 1);
  for (let i = 0; i < base.length; i++) out[i] = base[i]!;
  out[base.length] = last;
  return out;
}
