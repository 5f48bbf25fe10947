// Builds dist/index.d.ts and dist/<subpath>.d.ts, the declarations of the public API (src/index.ts and
// src/api/*.ts, package.json "exports"), with the types they share in dist/types-*.d.ts: tsc emits
// the per-module declarations, rollup-plugin-dts joins them and inlines the types they take from
// bundled packages (zod, chalk), so a TypeScript consumer needs nothing but authctl and its dependencies. Run by `prepack`; the JS build (scripts/build.mjs) does not need it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';
import { PUBLIC_SUBPATHS } from './build-shared.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const emitted = path.join(root, 'node_modules', '.cache', 'authctl-types');
const dist = path.join(root, 'dist');

rmSync(emitted, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    path.join(root, 'tsconfig.types.json'),
  ],
  { stdio: 'inherit', cwd: root },
);

/**
 * Each declaration file is re-printed by TypeScript before bundling:
 * - without comments: doc comments are 40% of the file, and the tarball budget is 400 kB
 *   (test/package/pack.test.ts); authctl's own stay when AUTHCTL_TYPES_DOCS=1 (not published);
 * - without `in`/`out` variance annotations on type parameters (zod uses them): once the packages'
 *   declarations are merged into one file, tsc without skipLibCheck reports them (TS2636) although
 *   nothing is wrong; they are optional hints, and without them tsc measures the variance itself.
 */
const printer = ts.createPrinter({ removeComments: true });
const dropVariance = (context) => (root) => {
  const visit = (node) =>
    ts.isTypeParameterDeclaration(node) && node.modifiers?.length
      ? context.factory.updateTypeParameterDeclaration(
          node,
          undefined,
          node.name,
          ts.visitNode(node.constraint, visit),
          ts.visitNode(node.default, visit),
        )
      : ts.visitEachChild(node, visit, context);
  return ts.visitNode(root, visit);
};
const reprint = {
  name: 'reprint-declarations',
  transform(code, id) {
    const ours = !/[\\/]node_modules[\\/](?!\.cache[\\/])/.test(id);
    if (ours && process.env.AUTHCTL_TYPES_DOCS === '1') return null;
    const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const [file] = ts.transform(source, [dropVariance]).transformed;
    return printer.printFile(file);
  },
};

const bundle = await rollup({
  input: {
    index: path.join(emitted, 'index.d.ts'),
    ...Object.fromEntries(
      PUBLIC_SUBPATHS.map((name) => [name, path.join(emitted, 'api', `${name}.d.ts`)]),
    ),
  },
  // Node's own types stay imports (a consumer on Node has @types/node), and so do the dependencies' (jose, smol-toml, yaml).
  external: (id) =>
    id.startsWith('node:') ||
    [
      'jose',
      'smol-toml',
      'yaml',
      'ioredis',
      '@peculiar/asn1-schema',
      '@peculiar/asn1-x509',
    ].includes(id),
  plugins: [reprint, dts({ respectExternal: true })],
  onwarn: (warning, warn) => (warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning)),
});
// Written to a temporary folder beside dist/, then each file renamed into place (no half-written file).
const temp = mkdtempSync(path.join(dist, '.types-'));
await bundle.write({
  dir: temp,
  format: 'es',
  entryFileNames: '[name].d.ts',
  chunkFileNames: 'types-[hash].d.ts',
});
await bundle.close();
for (const old of readdirSync(dist).filter((name) => /^types-.*\.d\.ts$/.test(name))) {
  rmSync(path.join(dist, old));
}
// Without indentation (~2.5 kB of the gzipped tarball, within its 400 kB budget): tsc and editors read
// the declarations the same, and AUTHCTL_TYPES_DOCS=1 keeps them as printed. A file with a multi-line
// template literal type (a line with an odd number of backticks) is left as it is.
for (const name of readdirSync(temp)) {
  const file = path.join(temp, name);
  const text = readFileSync(file, 'utf8');
  const multiLineTemplate = text.split('\n').some((line) => line.split('`').length % 2 === 0);
  if (process.env.AUTHCTL_TYPES_DOCS !== '1' && !multiLineTemplate)
    writeFileSync(file, text.replace(/^[ \t]+/gm, ''));
}
for (const name of readdirSync(temp)) renameSync(path.join(temp, name), path.join(dist, name));
rmSync(temp, { recursive: true, force: true });
