// The examples must verify credentials with their own code, so the end-to-end tests prove
// interoperability with authctl rather than authctl agreeing with itself.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(m?[jt]s)$/.test(e.name) ? [p] : [];
  });
}

describe('examples are independent of authctl', () => {
  const files = sources(EXAMPLES);

  it('finds the five services', () => {
    for (const name of ['recsys', 'datapress', 'relay', 'agentflow', 'k3']) {
      expect(files).toContain(path.join(EXAMPLES, name, 'server.mjs'));
    }
  });

  it.each(sources(EXAMPLES).map((f) => [path.relative(EXAMPLES, f), f]))(
    '%s imports nothing from authctl',
    (_rel, file) => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map(
        (m) => m[1],
      );
      for (const spec of specifiers) {
        expect(spec).not.toMatch(/(^|\/)(src|dist|test)(\/|$)|^authctl/);
        if (spec.startsWith('.'))
          expect(path.resolve(path.dirname(file), spec).startsWith(EXAMPLES)).toBe(true);
      }
    },
  );
});
