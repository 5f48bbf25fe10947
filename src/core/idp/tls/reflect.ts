/**
 * The three `Reflect` metadata functions tsyringe (the dependency injection @peculiar/x509 uses) calls
 * at import time: `defineMetadata`, `getMetadata` (own, then the prototype chain) and
 * `getOwnMetadata`. Installed only when missing (a program that loads `reflect-metadata` keeps its
 * own), so authctl needs no polyfill package. Only `idp serve --tls` loads this, before @peculiar/x509.
 */
type Target = object;
type MetadataStore = WeakMap<Target, Map<unknown, unknown>>;

interface ReflectWithMetadata {
  defineMetadata?: (key: unknown, value: unknown, target: Target) => void;
  getMetadata?: (key: unknown, target: Target) => unknown;
  getOwnMetadata?: (key: unknown, target: Target) => unknown;
}

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as ReflectWithMetadata;
  if (reflect.getMetadata && reflect.getOwnMetadata && reflect.defineMetadata) return;
  const store: MetadataStore = new WeakMap();
  const own = (key: unknown, target: Target) => store.get(target)?.get(key);
  reflect.defineMetadata = (key, value, target) => {
    const map = store.get(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  reflect.getOwnMetadata = own;
  reflect.getMetadata = (key, target) => {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const map = store.get(t);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}
