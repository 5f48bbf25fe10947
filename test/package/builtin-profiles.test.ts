// dist/ and the binary embed the built-in profiles parsed at build time (scripts/build-profiles.mjs)
// instead of parsing templates/profiles/ on every run: the embedded definitions must be what the
// files parse to now, so an edited profile file with a stale build fails here. Needs
// `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinProfiles } from '../../src/core/verify/engine/registry.js';
import { ROOT } from '../helpers/cli.js';

/**
 * The built registry's definitions, from a process of its own (the build's module, not vitest's):
 * the registry is one of the modules dist/cold/verify-core.cjs exports (scripts/build-warm.mjs).
 */
function embedded(): unknown[] {
  const core = pathToFileURL(path.join(ROOT, 'dist', 'cold', 'verify-core.cjs'));
  const script = `const modules = Object.values(await import(${JSON.stringify(core.href)}));
const m = modules.find((module) => typeof module.builtinProfiles === 'function');
process.stdout.write(JSON.stringify(m.builtinProfiles().map((p) => p.definition)));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown[];
}

describe('built-in profiles embedded in dist/', () => {
  it('are exactly what parsing templates/profiles/ gives now (rebuild after editing a profile file)', () => {
    const parsed = builtinProfiles().map((p) => p.definition);
    const files = readdirSync(path.join(ROOT, 'templates', 'profiles'));
    expect(parsed).toHaveLength(files.filter((f) => /\.profile\./.test(f)).length);
    expect(embedded()).toEqual(parsed);
  });

  it('lose nothing as JSON (no undefined, RegExp or other value JSON cannot carry)', () => {
    const parsed = builtinProfiles().map((p) => p.definition);
    expect(JSON.parse(JSON.stringify(parsed))).toStrictEqual(parsed);
  });
});
