import { expect } from 'vitest';

/** Own property names of the built-in prototypes a polluting request could reach. */
function prototypeNames(): Record<string, string[]> {
  return Object.fromEntries(
    (
      [
        ['Object', Object.prototype],
        ['Array', Array.prototype],
        ['Function', Function.prototype],
        ['String', String.prototype],
      ] as const
    ).map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]),
  );
}

/** Takes a snapshot now; `check()` asserts that no built-in prototype gained or lost a property since. */
export function prototypeGuard(): { check(label?: string): void } {
  const before = prototypeNames();
  return {
    check(label = 'Object.prototype') {
      expect(prototypeNames(), label).toEqual(before);
      // A polluted prototype shows on every fresh object.
      expect(Object.keys(Object.getPrototypeOf({})), label).toEqual([]);
    },
  };
}

/** The payload of a compact JWT, decoded without verification (the tests verify with jose separately). */
export function payloadOf(token: unknown): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(String(token).split('.')[1]!, 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
}

/** The JSON-pointer segments that reach a prototype, and the inherited names a lookup table could hit. */
export const PROTO_SEGMENTS = ['__proto__', 'constructor', 'prototype'] as const;
export const INHERITED_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
