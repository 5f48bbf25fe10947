/**
 * `fn` remembered per argument, for what a client repeats on every request (its Content-Type, its
 * Authorization header): parsed once, not per request (issue #17). Bounded: a client sending a new
 * value each time only makes it forget. A call that throws is not remembered.
 */
export function memoized<T>(fn: (key: string) => T, max = 256): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as T;
    const value = fn(key);
    if (seen.size >= max) seen.clear();
    seen.set(key, value);
    return value;
  };
}
