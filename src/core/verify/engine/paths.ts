import type { KeyPath } from '../types.js';

/** How a profile writes and compares key paths. */
export interface PathStyle {
  separator: string;
  keyCase: 'exact' | 'insensitive' | 'relaxed';
}

/** One key or value of a document: where it is (the real path) and how a profile matches it. */
export interface Entry {
  path: KeyPath;
  /** Normalized segments; dotted keys split when the profile writes paths with dots (Spring). */
  segments: string[];
  value: unknown;
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

/** Every node of the data (objects and arrays too), depth first. */
export function flatten(
  data: unknown,
  style: PathStyle,
  base: KeyPath = [],
  baseSegments: string[] = [],
): Entry[] {
  const out: Entry[] = [];
  const visit = (value: unknown, path: KeyPath, segments: string[]) => {
    out.push({ path, segments, value });
    if (Array.isArray(value))
      value.forEach((item, i) => visit(item, [...path, i], [...segments, String(i)]));
    else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, item] of Object.entries(value))
        visit(item, [...path, key], [...segments, ...split(key, style)]);
    }
  };
  visit(data, base, baseSegments);
  return out;
}

/** A profile's key pattern as normalized segments; `*` is one segment, `**` any number. */
export function compile(pattern: string, style: PathStyle): string[] {
  if (pattern === '' || pattern === '.') return [];
  return pattern
    .split(style.separator)
    .map((p) => (p === '*' || p === '**' ? p : normalize(p, style)));
}

/** Does `segments` (from `from`) match `pattern` completely? */
export function matches(
  pattern: readonly string[],
  segments: readonly string[],
  from = 0,
  p = 0,
): boolean {
  while (p < pattern.length) {
    const want = pattern[p]!;
    if (want === '**') {
      for (let k = from; k <= segments.length; k++)
        if (matches(pattern, segments, k, p + 1)) return true;
      return false;
    }
    if (from >= segments.length || (want !== '*' && want !== segments[from])) return false;
    from++;
    p++;
  }
  return from === segments.length;
}

/** Does any entry start with `pattern` (a detection key may name a table, not a leaf)? */
export function hasPrefix(entries: readonly Entry[], pattern: readonly string[]): boolean {
  const open = [...pattern, '**'];
  return entries.some((e) => matches(open, e.segments));
}

/** The entries under `prefix` (an instance of a section) matching `pattern` relative to it. */
export function find(
  entries: readonly Entry[],
  prefix: readonly string[],
  pattern: readonly string[],
): Entry[] {
  return entries.filter(
    (e) =>
      e.segments.length >= prefix.length &&
      prefix.every((s, i) => e.segments[i] === s) &&
      matches(pattern, e.segments, prefix.length),
  );
}

/** Turns a pattern into a path for positions: its literal head (a missing key is shown at its table). */
export function literalPath(prefix: KeyPath, pattern: string, separator: string): KeyPath {
  const out: (string | number)[] = [...prefix];
  for (const part of pattern.split(separator)) {
    if (part === '*' || part === '**') break;
    out.push(part);
  }
  return out;
}

/** `a.b[0].c` (with the profile's separator): a key path as the user writes it. */
export function label(keyPath: KeyPath, separator: string): string {
  return keyPath.reduce<string>(
    (out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}${separator}${s}` : s),
    '',
  );
}
