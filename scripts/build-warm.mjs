// The verify core as one file, dist/cold/verify-core.cjs (issue #17). In the code-split cold build,
// `authctl verify-config relay.env` loaded 34 files, 31 of them chunks (mostly of src/core/verify and
// src/core/report) cut apart by the entries sharing them (the library, the report formats, init,
// probe): Node's ESM loader compiles, resolves and links each one, about half the command's cost
// over `node -e 0`. The warm file holds the src/core/verify and src/core/report modules such a run
// needs, and the cold build reads those modules from it, as the cold command modules read the hot
// file's CLI modules (scripts/build-hot-shared.mjs): each ships once, with its state (the registry).
//
// Unlike the hot file, it is imported by the library too (dist/lib/config.js, an ES module, through
// Node's CommonJS interop), so it holds no CLI module and never imports dist/cli/. The general modules it needs (errors.ts, mask.ts, fs/*, ...)
// are copied into it, not read from it by the cold build: every command imports them, and reading
// them from here would load the verify core for `keys list`. The copies share no state that matters
// (AuthctlError's instanceof checks a brand; the rest are caches). They cost the tarball ~5 kB.
import path from 'node:path';
import { build } from 'esbuild';
import { onDynamicImport, root } from './build-shared.mjs';
import { modulesFromSharedFile } from './build-hot-shared.mjs';

/** The output file, relative to dist/ without .js: a cold file, so chunks and entries import it as ../cold/. */
const WARM_FILE = 'cold/verify-core';

/**
 * What verify-config reaches on a small .env: these and what they import statically. The general
 * and report modules are here for the config group module (STANDALONE), which reads them from this
 * file instead of carrying copies of its own.
 */
const WARM_ROOTS = [
  'src/core/verify/verify.ts',
  'src/core/verify/rules.ts',
  'src/core/verify/init-styles.ts',
  'src/core/verify/types.ts',
  'src/core/report/document.ts',
  'src/core/report/finding.ts',
  'src/core/report/text.ts',
  'src/core/report/verify.ts',
  'src/core/duration.ts',
  'src/core/fs/atomic.ts',
];

/** The warm sources the code-split build reads from the warm file; it copies the others (see above). */
const isVerifySource = (source) => /^src\/core\/(verify|report)\//.test(source);

/**
 * Importers that keep their own copies of the warm sources they import: general modules (snippet.ts
 * draws with locate/lines.ts for every command's errors), which would otherwise load the whole verify
 * core for a few small stateless modules. The probe's side has its copies too (PROBE_SIDE below).
 */
const COPIES_FOR = /[\\/]src[\\/]core[\\/](?!(verify|report|probe)[\\/])/;

/**
 * The probe's side: its modules, the report modules and writer, the locators and the verify types.
 * The report registry is on it (the probe's group module imports the formats), so `verify-config
 * --format sarif|junit|...` loads the report base (document, finding, text) a second time beside the
 * verify core's, one small file more: stateless modules, the same output.
 */
const PROBE_SIDE =
  /[\\/]src[\\/](core[\\/](probe|report|verify[\\/]locate)[\\/]|cli[\\/]report[\\/]|core[\\/]verify[\\/]types\.ts$)/;
/** What the probe's side copies: the report modules, the locators, the verify types and profile names. */
const PROBE_COPIES = /^src\/core\/(report\/|verify\/locate\/|verify\/(types|init-styles)\.[jt]s$)/;

/**
 * Whether an import reads its module from the warm file. The probe's side keeps its own copies of
 * PROBE_COPIES (small and stateless): reading them from the warm file loaded the 150 kB verify core
 * for every `authctl probe` run, ~3 ms of its start (issue #17).
 */
function readsWarmFile(args) {
  if (COPIES_FOR.test(args.importer)) return false;
  if (!PROBE_SIDE.test(args.importer)) return true;
  const target = path.relative(root, path.resolve(args.resolveDir, args.path)).replace(/\\/g, '/');
  return !PROBE_COPIES.test(target);
}

/** The verify core's file: what it holds, and which imports other builds read from it. */
const VERIFY_CORE = {
  file: WARM_FILE,
  roots: WARM_ROOTS,
  prefix: '__warm_',
  only: isVerifySource,
  redirects: readsWarmFile,
};

/** The sources in a warm build's output: the roots and what they import statically. */
function warmSources(metafile) {
  return Object.keys(metafile.inputs)
    .filter((input) => input.startsWith('src/') && metafile.inputs[input].bytes > 0)
    .sort();
}

/**
 * The warm entry: every warm source (or those `exported`, by index) as a namespace export named by
 * its index.
 */
function warmEntry(core, sources, exported = () => true) {
  return {
    contents: [...warmIndex(core, sources)]
      .map(([source, i]) =>
        exported(i) ? `export * as ${core.prefix}${i} from './${source}';` : '',
      )
      .join('\n'),
    resolveDir: root,
    loader: 'ts',
  };
}

/** The index of each source in warmEntry(sources), which names its namespace export. */
function warmIndex(core, sources) {
  const all = [...new Set([...core.roots, ...sources])].sort();
  return new Map(all.map((source, i) => [source, i]));
}

/**
 * Each source's run-time exports, re-exports included (`export * from './schema-keys.js'`): from a
 * bundling pass, which resolves them, where a transform-only pass lists a module's own names only.
 */
async function bundledExportsOf(sources, plugins) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: sources,
    outdir: path.join(root, 'dist-meta', 'warm-exports'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    packages: 'external',
    plugins,
    logLevel: 'silent',
  });
  return new Map(
    Object.values(result.metafile.outputs)
      .filter((output) => output.entryPoint)
      .map((output) => [output.entryPoint, output.exports]),
  );
}

/**
 * A dynamic import of one of `sources` stays in the file being built (for the warm file: a warm
 * source, there anyway); any other is left to the plugins after this one (a cold entry).
 */
function inlineImportsOf(sources) {
  return {
    name: 'inline-imports',
    setup(b) {
      onDynamicImport(b, (_, resolved) => {
        const source = path.relative(root, resolved.path).replace(/\\/g, '/');
        return sources.has(source) ? { path: resolved.path } : undefined;
      });
    },
  };
}

/**
 * Builds a warm file, `core` (the verify core's by default; the probe core's is described in
 * scripts/build-probe-core.mjs), until the set of its sources is closed (inlining a dynamic import
 * of a warm source can bring more in). Returns the plugins that make other builds read from it:
 * `plugin` for the code-split build (the sources `core.only` accepts, where `core.redirects` says:
 * for the verify core, see COPIES_FOR), `standalonePlugin` for the STANDALONE entries (every module
 * it has: they are CLI modules, which load it anyway), and `final`, the file itself, built once
 * those builds are done.
 */
export async function buildWarmFile({
  core = VERIFY_CORE,
  options,
  plugins,
  dynamicImports,
  coldEntries,
}) {
  const once = (sources, entries, exported) =>
    build({
      ...options,
      entryPoints: { [core.file]: 'warm-entry' },
      plugins: [
        {
          name: 'warm-entry',
          setup(b) {
            b.onResolve({ filter: /^warm-entry$/ }, () => ({
              path: 'warm',
              namespace: 'warm-entry',
            }));
            b.onLoad({ filter: /.*/, namespace: 'warm-entry' }, () =>
              warmEntry(core, sources, exported),
            );
          },
        },
        inlineImportsOf(warmIndex(core, sources)),
        ...plugins,
        dynamicImports(entries),
      ],
    });
  let sources = [];
  for (let size = -1; size !== sources.length;) {
    size = sources.length;
    sources = warmSources((await once(sources, new Map())).metafile);
  }
  await once(sources, coldEntries); // now its cold entries count
  const index = warmIndex(core, sources);
  const used = new Set();
  const fromWarm = (name, only, redirects) =>
    modulesFromSharedFile({
      name,
      file: `../${core.file}.cjs`,
      prefix: core.prefix,
      index: new Map([...index].filter(([source]) => only(source))),
      exportsBySource,
      redirects,
      used,
    });
  const exportsBySource = await bundledExportsOf([...index.keys()], plugins);
  return {
    // Once the builds reading from it are done: only the modules they read are exported (a namespace
    // export keeps all of a module; the others lose what nothing uses), the numbering unchanged.
    final: () => once(sources, new Map(), (i) => used.has(i)),
    // The library's importers too (the file imports no CLI module): the registry's state is one.
    plugin: fromWarm(`modules-from-${path.basename(core.file)}`, core.only, core.redirects),
    standalonePlugin: fromWarm(
      'all-modules-from-warm-file',
      () => true,
      () => true,
    ),
  };
}

/**
 * Cold entries built each as one file, not code-split: `verify-config` is the config group module
 * (src/cli/config.ts) with report writing, reading the verify core and the general modules from the
 * warm file, its spinner and output helpers from the hot file: 4 files to load where the split
 * build made 17 of it.
 */
export const STANDALONE = new Set(['cli-config']);

/** Builds the STANDALONE cold entries found so far. */
export async function buildStandaloneEntries({ options, coldEntries, plugins }) {
  const outputFiles = [];
  const metafile = { inputs: {}, outputs: {} };
  for (const name of STANDALONE) {
    if (!coldEntries.has(name)) continue;
    const result = await build({
      ...options,
      entryPoints: { [`cold/${name}`]: coldEntries.get(name) },
      plugins,
    });
    outputFiles.push(...result.outputFiles);
    Object.assign(metafile.inputs, result.metafile.inputs);
    Object.assign(metafile.outputs, result.metafile.outputs);
  }
  return { outputFiles, metafile };
}
