import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type * as z from 'zod';
import { deriveQuickShape } from '../../src/core/config/quick-derive.js';
import { quickCheck, UNSURE, type QuickNode } from '../../src/core/config/quick.js';
import { pick } from './rng.js';

/**
 * For the checks without zod (src/core/config/quick.ts: the config, the probe spec): whatever they
 * accept, zod must accept with the very same output.
 */

/** Same value, same own keys in the same order, all the way down (toEqual ignores undefined keys and order). */
export function same(a: unknown, b: unknown, where = '$'): void {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    expect(Object.is(a, b), `${where}: ${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  expect(Array.isArray(a), where).toBe(Array.isArray(b));
  expect(Object.getPrototypeOf(a), where).toBe(Object.getPrototypeOf(b));
  expect(Object.keys(a), where).toEqual(Object.keys(b));
  for (const key of Object.keys(a))
    same(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${where}.${key}`,
    );
}

/** Values a mutation puts anywhere: each kind JSON and TOML can hold, and some that are odd. */
const ODD: unknown[] = [
  'x',
  '',
  '/tid',
  'tid',
  'RS256',
  'none',
  0,
  -1,
  1.5,
  2048,
  4096,
  99999,
  Infinity,
  Number.NaN,
  true,
  null,
  [],
  ['a'],
  [1],
  {},
  { a: 1 },
  new Date(0),
];
const KEYS = ['extra', 'issuer', 'ttl', 'alg', 'token', 'roles', '__proto__'];

/**
 * A random change somewhere in a JSON-like value: a key dropped, added, retyped or revalued.
 * `values` and `keys` add what the schema under test has (its enum values, its key names).
 */
export function mutate(
  value: unknown,
  random: () => number,
  values: readonly unknown[] = [],
  keys: readonly string[] = [],
): unknown {
  const odd = [...ODD, ...values];
  if (typeof value !== 'object' || value === null || random() < 0.15) return pick(random, odd);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length && random() < 0.7) {
      const i = Math.floor(random() * copy.length);
      copy[i] = mutate(copy[i], random, values, keys);
    } else copy.push(pick(random, odd));
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const own = Object.keys(copy);
  const roll = random();
  if (own.length && roll < 0.6) {
    const key = pick(random, own);
    copy[key] = mutate(copy[key], random, values, keys);
  } else if (own.length && roll < 0.8) delete copy[pick(random, own)];
  else copy[pick(random, [...KEYS, ...keys])] = pick(random, odd);
  return copy;
}

/**
 * A generated shape file (`*.generated.ts`) is what its schema derives to: rewritten when
 * UPDATE_GENERATED=1, and compared byte for byte.
 */
export function expectGenerated(file: string, text: string): void {
  if (process.env.UPDATE_GENERATED === '1') writeFileSync(file, text);
  expect(readFileSync(file, 'utf8')).toBe(text);
}

/** The text of a generated shape module: `name` is `schema` as quick.ts checks it. */
export function shapeModule(o: {
  schema: z.ZodType;
  schemaName: string;
  /** What to change to regenerate it: `a config schema`. */
  changing: string;
  test: string;
  quickImport: string;
  name: string;
}): string {
  return `// Generated from ${o.schemaName} by ${o.test} (src/core/config/quick-derive.ts);
// after changing ${o.changing}: UPDATE_GENERATED=1 npx vitest run ${o.test}
import type { QuickNode } from '${o.quickImport}';

export const ${o.name}: QuickNode = ${JSON.stringify(deriveQuickShape(o.schema))};
`;
}

/**
 * Whether the check without zod was sure of `raw`; when it was, zod accepts `raw` with the very
 * same output.
 */
export function quickAgrees(shape: QuickNode, schema: z.ZodType, raw: unknown, name: string) {
  const quick = quickCheck(shape, raw);
  if (quick === UNSURE) return false;
  const zod = schema.safeParse(raw, { jitless: true });
  expect(zod.success, `${name}: quick accepted what zod refuses: ${zod.error?.message}`).toBe(true);
  same(quick, zod.data, name);
  return true;
}
