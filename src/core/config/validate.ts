import { usageError } from '../errors.js';
import { closest } from '../suggest.js';
import { authctlConfigSchema, type AuthctlConfig } from './schema.js';

/** Validates a parsed config; the first problem becomes a usage error naming the key path. */
export function validateConfig(raw: unknown, filepath: string): AuthctlConfig {
  // jitless: parsed once per process, so zod's generated per-object parsers would cost more to
  // compile than they save (see probe/spec.ts).
  const result = authctlConfigSchema.safeParse(raw, { jitless: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map(String).join('.');
  let message = issue.message;
  let hint = 'see `authctl config schema` for every key and type';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeysAt(issue.path.map(String));
    const suggestion = closest(key, known);
    message = `unknown key "${[...issue.path.map(String), key].join('.')}"`;
    if (suggestion) hint = `did you mean "${suggestion}"?`;
  }
  throw usageError('ERR_CONFIG_INVALID', keyPath ? `${keyPath}: ${message}` : message, {
    where: filepath,
    hint,
  });
}

/** The keys a zod object schema allows at `keyPath` (for did-you-mean); also used for profile files. */
export function knownKeysAt(keyPath: string[], schema: unknown = authctlConfigSchema): string[] {
  // Walk the zod schema's shape along the path to list valid sibling keys.
  let node: unknown = schema;
  for (const segment of keyPath) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    const def = (node as { def?: { valueType?: unknown; element?: unknown } }).def;
    if (shape && segment in shape) node = shape[segment];
    else if (def?.valueType ?? def?.element) node = def.valueType ?? def.element;
    else return [];
  }
  node = unwrap(node);
  return Object.keys((node as { shape?: Record<string, unknown> }).shape ?? {});
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { innerType?: unknown; type?: string; getter?: () => unknown } };
  // Optional/default wrap an inner type; z.lazy (recursive profile keys) has a getter.
  while (current?.def?.innerType || current?.def?.getter)
    current = (current.def.innerType ?? current.def.getter!()) as typeof current;
  return current;
}
