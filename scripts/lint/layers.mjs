// The layer rules of src/ (docs/architecture.md), as data the ESLint rule below and the cycle test
// (test/tooling/layers.test.ts) share, so the two never disagree about what a layer is.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SRC = path.join(ROOT, 'src');

/** Feature folders of src/core: each owns its code and (issue #12 item 5) its config section. */
export const FEATURES = ['apikey', 'demo', 'idp', 'keys', 'probe', 'sigv4', 'token', 'verify'];

/** The path of `file` relative to src/, with forward slashes ('core/token/mint.ts'). */
export const srcRelative = (file) => path.relative(SRC, file).split(path.sep).join('/');

/**
 * Why `from` (a file) may not import `to` (the file it resolves to), or undefined when it may.
 * - core is the library: it never reaches up into the CLI (commander wiring, rendering, exit codes),
 *   and neither does the public API built on it (src/index.ts, src/api/);
 * - config composes the sections the features own; it never reaches into a feature's internals,
 *   only into the module a feature exports its section from (`core/<feature>/config.ts`, or
 *   anything under `core/<feature>/config/`), so a feature can change its constants freely.
 */
export function layerViolation(from, to) {
  const a = srcRelative(from);
  const b = srcRelative(to);
  if (a.startsWith('..') || b.startsWith('..')) return undefined;
  if (a.startsWith('core/') && b.startsWith('cli/')) {
    return 'src/core must not import src/cli: move what both need into src/core';
  }
  if ((a === 'index.ts' || a.startsWith('api/')) && b.startsWith('cli/')) {
    return 'the public API (src/index.ts, src/api/) must not import src/cli: export from src/core';
  }
  const feature = /^core\/([^/]+)\/(.*)$/.exec(b);
  if (a.startsWith('core/config/') && feature && FEATURES.includes(feature[1])) {
    const section = feature[2] === 'config.ts' || feature[2].startsWith('config/');
    if (!section) {
      return `src/core/config must not import a feature's internals (core/${feature[1]}/${feature[2]}): the feature exports its section from core/${feature[1]}/config.ts and config/ composes it`;
    }
  }
  return undefined;
}

/** Resolves a relative ESM specifier ('./x.js') of `from` to the .ts file it names in src/. */
export function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(from), specifier);
  return target.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
}
