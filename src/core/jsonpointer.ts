import { usageError } from './errors.js';
import { memoized } from './memo.js';

/**
 * Segments that lead from a plain object into its prototype chain: `/__proto__/roles` would set
 * `roles` on every object of the process. Refused in every pointer, whoever wrote it (a request's
 * authctl_claims, --claim, a preset, a config file).
 */
const PROTOTYPE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** RFC 6901: "/org/id" → ["org", "id"]; "~1" is "/", "~0" is "~". A bare name is treated as "/name". */
export function parsePointer(pointer: string, where = 'pointer'): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') && !/^[A-Za-z0-9_:.-]+$/.test(pointer)) {
    throw usageError('ERR_BAD_POINTER', `"${pointer}" is not a JSON pointer`, {
      where,
      hint: 'write it as /claim or /nested/claim (RFC 6901)',
    });
  }
  const parts = pointer.startsWith('/')
    ? pointer
        .slice(1)
        .split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [pointer];
  const forbidden = parts.find((part) => PROTOTYPE_SEGMENTS.has(part));
  if (forbidden !== undefined) {
    throw usageError(
      'ERR_BAD_POINTER',
      `JSON pointer "${pointer}" has the segment "${forbidden}", which is not allowed`,
      {
        where,
        hint: 'claim names __proto__, constructor and prototype are refused: pick another name',
      },
    );
  }
  return parts;
}

/**
 * Parsed pointers by text: the issuer sets the same few pointers (roles, tenant, its extra claims)
 * on every token, so each is parsed once, not per token (issue #17); bounded, since pointers can
 * come from requests. A pointer that throws is not remembered, so its error stays the same each time.
 */
const partsOf = memoized((pointer: string, where?: string): readonly string[] =>
  parsePointer(pointer, where),
);

/** Own properties only: `/toString` is not a claim of `{}`. */
export function getAtPointer(target: unknown, pointer: string): unknown {
  let node = target;
  for (const part of partsOf(pointer)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Sets a value, creating intermediate objects. */
export function setAtPointer(
  target: Record<string, unknown>,
  pointer: string,
  value: unknown,
  where?: string,
): void {
  const parts = partsOf(pointer, where);
  if (parts.length === 0)
    throw usageError('ERR_BAD_POINTER', 'cannot set the root of the claims', {
      where,
      hint: 'use a pointer such as /org/id',
    });
  let node: Record<string, unknown> = target;
  const last = parts.length - 1;
  // Indexed, not parts.slice(0, -1): no array per claim set.
  for (let i = 0; i < last; i++) {
    const part = parts[i]!;
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[last]!] = value;
}

export function deleteAtPointer(target: Record<string, unknown>, pointer: string): void {
  const parts = partsOf(pointer);
  let node: unknown = target;
  for (const part of parts.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return;
    node = (node as Record<string, unknown>)[part];
  }
  if (node && typeof node === 'object')
    delete (node as Record<string, unknown>)[parts[parts.length - 1]!];
}
