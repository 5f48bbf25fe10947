import path from 'node:path';
import type { ConfigDocument } from '../document.js';
import { children, compiled, hasPrefix, rootEntry, type PathStyle } from './paths.js';
import type { ProfileDefinition } from './schema.js';

/** How strongly a parsed document looks like the profile's service (0 = not at all). */
export function detect(def: ProfileDefinition, style: PathStyle, document: ConfigDocument): number {
  if (!def.formats.includes(document.kind as never)) return 0;
  const named = def.files.some((f) => globMatch(f.name, path.basename(document.file))) ? 10 : 0;
  const root = rootEntry(document.data);
  let found = def.detect.keys.filter((k) => hasPrefix(root, compiled(k, style), style)).length;
  if (def.detect.matches) {
    const re = new RegExp(def.detect.matches);
    found += Object.keys(document.data).filter((k) => re.test(k)).length;
  }
  const declared = def.detect.keys.length > 0 || def.detect.matches !== undefined;
  if (def.detect.all) {
    // All the service's top-level keys: one more, and the keys say nothing; the name still does.
    const roots = def.detect.keys.map((k) => compiled(k, style)[0]);
    const others = children(root, style).some((e) => !roots.includes(e.segments[0]));
    return named + (others ? 0 : found * def.detect.weight);
  }
  // A file name alone does not make a config: an empty application.yml is not Spring's.
  return found > 0 || (named > 0 && !declared) ? named + found * def.detect.weight : 0;
}

/** `application*.yml`: `*` is any run of characters, `?` one; case-insensitive like most file systems users meet. */
export function globMatch(glob: string, name: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}
