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
//
// The core modules the hot file holds are shared the same way, when a cold src/cli module imports them
// itself (errors.ts, duration.ts, keys/algorithms.ts...): `keys list` then loads one cold file, not
// seven. A core module imported only from other core modules stays in the cold chunks, since the
// library shares those.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './build-shared.mjs';

/**
 * The sources a hot build's output shares with the cold build: its src/cli sources (but main.ts, the
 * hot file's entry), and its src/core sources that a src/cli module outside it imports statically.
 */
export async function hotSharedSources(metafile) {
  const hot = new Set(Object.keys(metafile.inputs));
  const cli = [...hot].filter(
    (input) => input.startsWith('src/cli/') && input !== 'src/cli/main.ts',
  );
  const coldCli = readdirSync(path.join(root, 'src', 'cli'), { recursive: true })
    .map((file) => `src/cli/${file.replace(/\\/g, '/')}`)
    .filter((file) => file.endsWith('.ts') && !hot.has(file));
  // Resolution only (nothing is written): which modules each cold src/cli source imports.
  const { metafile: cold } = await build({
    absWorkingDir: root,
    entryPoints: coldCli,
    outdir: path.join(root, 'dist-meta', 'cold-cli'),
    bundle: true,
    packages: 'external',
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  const core = new Set();
  for (const source of coldCli)
    for (const { path: target, kind } of cold.inputs[source]?.imports ?? [])
      if (kind === 'import-statement' && target.startsWith('src/core/') && hot.has(target))
        core.add(target);
  return [...cli, ...core].sort();
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

/**
 * The hot entry: main.ts, plus `__hot(i)`, the namespace of shared source i, initialised on first
 * call. Not `export * as __hot_3 from ...`: a namespace export initialises its module when the hot
 * file loads, so every command ran the module bodies of every shared source (token mint's and token
 * verify's option tables, the defect registry...: ~1 ms of `sigv4 sign` or `keys list`). A require()
 * of a bundled ES module is esbuild's lazy `(init_x(), __toCommonJS(x_exports))`.
 */
export function hotEntry(sources) {
  const lines = [`export * from './src/cli/main.ts';`];
  if (sources.length) {
    lines.push('const namespaces = [];', 'export function __hot(i) {', '  switch (i) {');
    sources.forEach((source, i) =>
      lines.push(`    case ${i}: return (namespaces[${i}] ??= require('./${source}'));`),
    );
    lines.push('  }', '}');
  }
  return { contents: lines.join('\n'), resolveDir: root, loader: 'ts' };
}

/**
 * Cold build plugin: src/cli imports of a shared source read it from the hot file. Dynamic imports too
 * with `dynamic` (a build that is not code-split inlines the small module reading it).
 */
/**
 * The hot file's exports, which src/cli/entry.ts puts on globalThis once it has loaded the file. The
 * cold files read them from there, not by `import ... from '../cli/main.cjs'`: Node would lex the
 * 130 kB CommonJS file for its export names first (cjs-module-lexer: ~20 ms of every cold command).
 */
export const HOT_EXPORTS = "globalThis[Symbol.for('authctl.hot')]";

export function cliModulesFromHotFile(sources, exportsBySource, { dynamic = false } = {}) {
  return modulesFromSharedFile({
    name: 'cli-modules-from-hot-file',
    file: '../cli/main.cjs',
    moduleExpression: (i) => `${HOT_EXPORTS}.__hot(${i})`,
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
 * (`${prefix}${index}`) from `file` (or `moduleExpression(index)`, read from the file's exports already loaded);
 * `used` collects the indices read.
 */
export function modulesFromSharedFile({
  name,
  file,
  prefix,
  index,
  exportsBySource,
  redirects,
  used = new Set(),
  moduleExpression,
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
          moduleExpression
            ? `const m = ${moduleExpression(i)};`
            : `import { ${prefix}${i} as m } from '${file}';`,
          ...(named.length ? [`export const { ${named.join(', ')} } = m;`] : []),
          ...(names.includes('default') ? ['export default m.default;'] : []),
        ];
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}
