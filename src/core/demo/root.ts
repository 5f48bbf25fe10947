import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentError } from '../errors.js';

/**
 * The installed package's root: the nearest directory above `from` whose package.json is named
 * "authctl". Robust to the build layout (dist/cli/main.js, dist/cold/*.js, src/ under tsx).
 */
export function findPackageRoot(
  from: string = path.dirname(fileURLToPath(import.meta.url)),
): string {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'authctl')
          return dir;
      } catch {
        // not ours (or unreadable): keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw environmentError(
        'ERR_DEMO_NO_PACKAGE',
        'cannot find the authctl package root (package.json named "authctl")',
        {
          where: from,
          hint: 'reinstall authctl (npm i -g authctl); the demo needs the examples/ directory it ships with',
        },
      );
    }
    dir = parent;
  }
}

/** `<package root>/examples`, checked to contain the example services. */
export function examplesDir(root: string = findPackageRoot()): string {
  const dir = path.join(root, 'examples');
  if (!existsSync(path.join(dir, 'datapress', 'server.mjs'))) {
    throw environmentError('ERR_DEMO_NO_EXAMPLES', `the example services are missing from ${dir}`, {
      where: dir,
      hint: 'reinstall authctl: the published package includes examples/',
    });
  }
  return dir;
}
