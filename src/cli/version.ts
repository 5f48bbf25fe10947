import { createRequire } from 'node:module';

declare const __AUTHCTL_VERSION__: string | undefined;

/** The bundle has the version baked in; under tsx (`npm run dev`) it is read from package.json. */
export function authctlVersion(): string {
  if (typeof __AUTHCTL_VERSION__ === 'string') return __AUTHCTL_VERSION__;
  return (createRequire(import.meta.filename)('../../package.json') as { version: string }).version;
}
