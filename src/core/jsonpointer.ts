import { usageError } from './errors.js';

/** RFC 6901: "/org/id" → ["org", "id"]; "~1" is "/", "~0" is "~". A bare name is treated as "/name". */
export function parsePointer(pointer: string, where = 'pointer'): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    if (/^[A-Za-z0-9_:.\-]+$/.test(pointer)) return [pointer];
    throw usageError('ERR_BAD_POINTER', `"${pointer}" is not a JSON pointer`, { where, hint: 'write it as /claim or /nested/claim (RFC 6901)' });
  }
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function getAtPointer(target: unknown, pointer: string): unknown {
  let node = target;
  for (const part of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Sets a value, creating intermediate objects. */
export function setAtPointer(target: Record<string, unknown>, pointer: string, value: unknown, where?: string): void {
  const parts = parsePointer(pointer, where);
  if (parts.length === 0) throw usageError('ERR_BAD_POINTER', 'cannot set the root of the claims', { where, hint: 'use a pointer such as /org/id' });
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function deleteAtPointer(target: Record<string, unknown>, pointer: string): void {
  const parts = parsePointer(pointer);
  let node: unknown = target;
  for (const part of parts.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[part];
  }
  if (node && typeof node === 'object') delete (node as Record<string, unknown>)[parts[parts.length - 1]!];
}
