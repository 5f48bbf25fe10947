import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { templatesDir } from '../init.js';
import { parseProfile } from './load.js';
import { isProfileFile } from './profile-file.js';
import type { ProfileDefinition } from './schema.js';

/**
 * The built-in profiles' definitions, parsed from templates/profiles/ (one file = one profile), in
 * file-name order; `wanted` picks files by name. This is the source's way: dist/ and the binary embed
 * the definitions the build parsed from the same files (builtins-embedded.ts), so they load no
 * parser and no zod, and test/package/builtin-profiles.test.ts checks that both agree.
 */
export function builtinDefinitions(
  wanted: (file: string) => boolean = () => true,
): ProfileDefinition[] {
  const dir = path.join(templatesDir(), 'profiles');
  return readdirSync(dir)
    .filter((file) => isProfileFile(file) && wanted(file))
    .sort()
    .map((file) => parseProfile(path.join(dir, file), readFileSync(path.join(dir, file), 'utf8')));
}
