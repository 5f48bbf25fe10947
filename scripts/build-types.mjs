// Builds dist/index.d.ts, the declarations of the public API (src/index.ts), as one file: tsc emits
// the per-module declarations, rollup-plugin-dts joins them and inlines the types they take from
// bundled packages (zod, jose, chalk), so a TypeScript consumer needs nothing but authctl itself
// (the package has no dependencies). Run by `prepack`; the JS build (scripts/build.mjs) does not need it.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const emitted = path.join(root, 'node_modules', '.cache', 'authctl-types');
const out = path.join(root, 'dist', 'index.d.ts');

rmSync(emitted, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.types.json')], { stdio: 'inherit', cwd: root });

/**
 * Doc comments are 40% of the file (the tarball budget is 400 kB, test/package/pack.test.ts): the
 * inlined packages' go; authctl's own stay when AUTHCTL_TYPES_DOCS=1 (not published).
 */
const stripComments = {
  name: 'strip-comments',
  transform(code, id) {
    if (process.env.AUTHCTL_TYPES_DOCS === '1' && !/[\\/]node_modules[\\/](?!\.cache[\\/])/.test(id)) return null;
    // Re-printed by TypeScript itself, so a '/*' inside a string literal type survives.
    return printer.printFile(ts.createSourceFile(id, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  },
};
const printer = ts.createPrinter({ removeComments: true });

const bundle = await rollup({
  input: path.join(emitted, 'index.d.ts'),
  // Node's own types stay imports: a consumer has @types/node when it uses Node APIs at all.
  external: (id) => id.startsWith('node:'),
  plugins: [stripComments, dts({ respectExternal: true })],
  onwarn: (warning, warn) => (warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning)),
});
const temp = `${out}.${process.pid}.tmp`;
await bundle.write({ file: temp, format: 'es' });
await bundle.close();
renameSync(temp, out);
