import type { ProfileDefinition } from './schema.js';

/**
 * Set by the builds (scripts/build-shared.mjs builtinProfilesPlugin): file name → the JSON of the
 * definition that file parses to, already validated.
 */
declare const __AUTHCTL_BUILTIN_DEFINITIONS__: Record<string, string>;

/**
 * What builtins.ts returns, without reading or parsing a profile file: dist/ and the binary use
 * this module in its place. Each definition is kept as JSON text and parsed only when wanted
 * (`--profile relay` reads one), JSON.parse being faster than an object literal of that size.
 */
export function builtinDefinitions(
  wanted: (file: string) => boolean = () => true,
): ProfileDefinition[] {
  return Object.entries(__AUTHCTL_BUILTIN_DEFINITIONS__)
    .filter(([file]) => wanted(file))
    .map(([, json]) => JSON.parse(json) as ProfileDefinition);
}
