import { usageError } from '../errors.js';
import { closest } from '../suggest.js';
import { authctlConfigSchema, type AuthctlConfig } from './schema.js';

/** Validates a parsed config; the first problem becomes a usage error naming the key path. */
export function validateConfig(raw: unknown, filepath: string): AuthctlConfig {
  const result = authctlConfigSchema.safeParse(raw);
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
  throw usageError('ERR_CONFIG_INVALID', keyPath ? `${keyPath}: ${message}` : message, { where: filepath, hint });
}

function knownKeysAt(keyPath: string[]): string[] {
  // Walk the zod schema's shape along the path to list valid sibling keys.
  let node: unknown = authctlConfigSchema;
  for (const segment of keyPath) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (shape && segment in shape) node = shape[segment];
    else {
      const valueType = (node as { def?: { valueType?: unknown } }).def?.valueType;
      if (valueType) node = valueType;
      else return [];
    }
  }
  node = unwrap(node);
  return Object.keys((node as { shape?: Record<string, unknown> }).shape ?? {});
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { innerType?: unknown; type?: string } };
  while (current?.def?.innerType) current = current.def.innerType as typeof current;
  return current;
}
