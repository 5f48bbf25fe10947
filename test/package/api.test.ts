// The curated public API (issue #12 item 8): src/index.ts lists every name (no `export *`, nothing
// from src/cli but the renderers still waiting to move), each subpath entry (src/api/*.ts, package.json
// "exports") is a subset of it, and every exported operation has TSDoc.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { undocumentedOperations } from '../../scripts/api-docs.js';
import { ROOT } from '../helpers/cli.js';

const API_DIR = path.join(ROOT, 'src', 'api');
const subpaths = readdirSync(API_DIR)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3))
  .sort();
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('the public API', () => {
  it('names every export: no `export *` in src/index.ts or src/api/', () => {
    for (const file of ['src/index.ts', ...subpaths.map((name) => `src/api/${name}.ts`)]) {
      expect(readFileSync(path.join(ROOT, file), 'utf8'), file).not.toMatch(/^\s*export \*/m);
    }
  });

  it('has a package.json subpath export, with types, for each src/api module and no other', () => {
    const declared = Object.keys(manifest.exports)
      .filter((key) => key !== '.' && key !== './package.json')
      .map((key) => key.slice(2))
      .sort();
    expect(declared).toEqual(subpaths);
    for (const name of subpaths) {
      expect(manifest.exports[`./${name}`]).toEqual({
        types: `./dist/${name}.d.ts`,
        default: `./dist/lib/${name}.js`,
      });
    }
  });

  it('exports from the root everything each subpath exports, as the same values', async () => {
    const root = await import('../../src/index.js');
    for (const name of subpaths) {
      const sub = await import(pathToFileURL(path.join(API_DIR, `${name}.ts`)).href);
      expect(Object.keys(sub).length, name).toBeGreaterThan(5);
      for (const [key, value] of Object.entries(sub)) {
        expect((root as Record<string, unknown>)[key], `authctl/${name} ${key}`).toBe(value);
      }
    }
  });

  it('documents every exported operation with TSDoc', () => {
    expect(undocumentedOperations()).toEqual([]);
  }, 60_000);
});
