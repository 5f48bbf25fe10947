// The CLI modules the hot file (dist/cli/main.cjs) holds, shared with the cold command modules instead
// of copied into dist/cold/ chunks (issue #17). Without this, `authctl sigv4 sign` loaded 23 files, 17
// of them chunks of code main.cjs had already loaded (command.ts, output.ts and chalk twice, shared.ts
// and through it the keystore, locks, atomic writes...): Node's ESM loader pays for every file.
//
// The hot file re-exports each such module as a namespace (`export * as __hot_3 from
// './src/cli/output.ts'`), and in the cold build an import of one of them from a src/cli module becomes
// a small module reading that namespace from '../cli/main.cjs'. Only src/cli importers are redirected:
// the library (dist/lib, which shares the cold chunks) never imports src/cli, so it never loads the
// CLI's hot file.
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './build-shared.mjs';

/** The src/cli sources in a hot build's output (but main.ts itself, the hot file's entry). */
export function hotCliSources(metafile) {
  return Object.keys(metafile.inputs)
    .filter((input) => input.startsWith('src/cli/') && input !== 'src/cli/main.ts')
    .sort();
}

/** Each source's run-time exports (types are gone), from a transform-only esbuild pass. */
export async function exportsOf(sources) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: sources,
    outdir: path.join(root, 'dist-meta', 'exports'),
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  return new Map(
    Object.values(result.metafile.outputs).map((output) => [output.entryPoint, output.exports]),
  );
}

/** The hot entry: main.ts, plus every shared source as a namespace export named by its index. */
export function hotEntry(sources) {
  const lines = [`export * from './src/cli/main.ts';`];
  sources.forEach((source, i) => lines.push(`export * as __hot_${i} from './${source}';`));
  return { contents: lines.join('\n'), resolveDir: root, loader: 'ts' };
}

/**
 * Cold build plugin: src/cli imports of a shared source read it from the hot file. Dynamic imports too
 * with `dynamic` (a build that is not code-split inlines the small module reading it).
 */
export function cliModulesFromHotFile(sources, exportsBySource, { dynamic = false } = {}) {
  return modulesFromSharedFile({
    name: 'cli-modules-from-hot-file',
    file: '../cli/main.cjs',
    prefix: '__hot_',
    index: new Map(sources.map((source, i) => [source, i])),
    exportsBySource,
    // The library never imports src/cli, so it never loads the CLI's hot file.
    redirects: (args) =>
      /[\\/]src[\\/]cli[\\/]/.test(args.importer) && (dynamic || args.kind !== 'dynamic-import'),
  });
}

/**
 * A plugin reading modules from a file built on its own (the hot file, the warm file): an import that
 * `redirects` of a source in `index` becomes a small module taking its namespace export
 * (`${prefix}${index}`) from `file`; `used` collects the indices read.
 */
export function modulesFromSharedFile({
  name,
  file,
  prefix,
  index,
  exportsBySource,
  redirects,
  used = new Set(),
}) {
  const namespace = `${name}-stub`;
  const byPath = new Map([...index].map(([source, i]) => [path.join(root, source), i]));
  const sourceOf = new Map([...index].map(([source, i]) => [i, source]));
  return {
    name,
    setup(b) {
      const escaped = file.replace(/[.]/g, '\\.');
      b.onResolve({ filter: new RegExp(`^${escaped}$`) }, (args) =>
        args.namespace === namespace ? { path: file, external: true } : undefined,
      );
      b.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData?.resolving || args.namespace === namespace || !redirects(args))
          return undefined;
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { resolving: true },
        });
        const i = byPath.get(resolved.path);
        if (i === undefined) return undefined;
        // One stub per importer, so each stays in its importer's chunk instead of becoming a
        // chunk of its own (a file to load) when several entries import the module.
        return { path: `${i}:${path.relative(root, args.importer)}`, namespace };
      });
      b.onLoad({ filter: /.*/, namespace }, (args) => {
        const i = Number(args.path.split(':')[0]);
        used.add(i);
        const names = exportsBySource.get(sourceOf.get(i)) ?? [];
        const named = names.filter((n) => n !== 'default');
        const lines = [
          `import { ${prefix}${i} as m } from '${file}';`,
          ...(named.length ? [`export const { ${named.join(', ')} } = m;`] : []),
          ...(names.includes('default') ? ['export default m.default;'] : []),
        ];
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}
