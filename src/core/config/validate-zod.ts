import * as z from 'zod';
import { usageError } from '../errors.js';
import { closest } from '../suggest.js';
import type { AuthctlConfig } from './schema.js';
import { CONFIG_SECTIONS } from './sections.js';
import { knownKeysAt } from './known-keys.js';

const fullSchema = async () => (await import('./schema.js')).authctlConfigSchema;

/**
 * authctlConfigSchema with the sections `raw` has only, in the same order and as strict: the same
 * issues for the same input (an unknown key is still one), without building the sections a file
 * does not have. Anything but a plain object gets the whole schema, and its error.
 */
export async function configSchemaFor(raw: unknown): Promise<z.ZodType> {
  const proto = typeof raw === 'object' && raw !== null ? Object.getPrototypeOf(raw) : undefined;
  if (Array.isArray(raw) || (proto !== Object.prototype && proto !== null)) return fullSchema();
  const present = [...CONFIG_SECTIONS].filter(([key]) => Object.hasOwn(raw as object, key));
  const shape = Object.fromEntries(
    await Promise.all(present.map(async ([key, load]) => [key, await load()] as const)),
  );
  return z.strictObject(shape);
}

/** Validates with zod: its output, or its first issue as a usage error naming the key path. */
export async function validateWithZod(raw: unknown, filepath: string): Promise<AuthctlConfig> {
  // jitless: parsed once per process, so zod's generated per-object parsers would cost more to
  // compile than they save (see probe/spec.ts).
  const result = (await configSchemaFor(raw)).safeParse(raw, { jitless: true });
  if (result.success) return result.data as AuthctlConfig;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map(String).join('.');
  let message = issue.message;
  let hint = 'see `authctl config schema` for every key and type';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    // The whole schema: the cut one would suggest only the sections this file has.
    const known = knownKeysAt(issue.path.map(String), await fullSchema());
    const suggestion = closest(key, known);
    message = `unknown key "${[...issue.path.map(String), key].join('.')}"`;
    if (suggestion) hint = `did you mean "${suggestion}"?`;
  }
  throw usageError('ERR_CONFIG_INVALID', keyPath ? `${keyPath}: ${message}` : message, {
    where: filepath,
    hint,
  });
}
