/**
 * `fn` remembered per key, for what callers repeat on every request or token (a client's Content-Type
 * and Authorization header, the issuer's claim pointers, its Host header): worked out once, not each
 * time (issue #17). Bounded: a client sending a new value each time only makes it forget. A call that
 * throws is not remembered. The arguments after the key only matter on a miss (an error's location,
 * the parts a composite key was made of): the answer is the key's.
 */
export function memoized<T, Rest extends unknown[] = []>(
  fn: (key: string, ...rest: Rest) => T,
  max = 256,
): (key: string, ...rest: Rest) => T {
  const seen = new Map<string, T>();
  return (key, ...rest) => {
    if (seen.has(key)) return seen.get(key) as T;
    const value = fn(key, ...rest);
    if (seen.size >= max) seen.clear();
    seen.set(key, value);
    return value;
  };
}
