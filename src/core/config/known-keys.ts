// Walks a zod schema's internals without importing zod: config errors and profile files use it.

/** The keys a zod object schema allows at `keyPath` (for did-you-mean); also used for profile files. */
export function knownKeysAt(keyPath: string[], schema: unknown): string[] {
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
