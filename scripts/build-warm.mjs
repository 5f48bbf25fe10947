// The verify core as one file, dist/cold/verify-core.js (issue #17). In the code-split cold build,
// `authctl verify-config relay.env` loaded 34 files, 31 of them chunks (mostly of src/core/verify and
// src/core/report) cut apart by the entries sharing them (the library, the report formats, init,
// probe): Node's ESM loader compiles, resolves and links each one, about half the command's cost
// over `node -e 0`. The warm file holds every src/core/verify module such a run needs, and the cold
// build reads those modules from it, as the cold command modules read the hot file's CLI modules
// (scripts/build-hot-shared.mjs): each module still ships once, with its state (the profile registry).
//
// Unlike the hot file, it is imported by the library too (dist/lib/config.js), so it holds no CLI
// module and never imports dist/cli/. The few general modules it needs (errors.ts, duration.ts, ...)
// are copied into it rather than read from it: every command imports them, and reading them from
// here would load the verify core for `keys list`. Their copies share no state that matters
// (AuthctlError's instanceof checks a brand; the rest are caches).
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './build-shared.mjs';
import { modulesFromSharedFile } from './build-hot-shared.mjs';

/** The output file, relative to dist/ without .js: a cold file, so chunks and entries import it as ../cold/. */
const WARM_FILE = 'cold/verify-core';

/** What verify-config reaches on a small .env: these and the verify modules they import statically. */
const WARM_ROOTS = [
  'src/core/verify/verify.ts',
  'src/core/verify/rules.ts',
  'src/core/verify/init-styles.ts',
  'src/core/verify/types.ts',
];

/** Only these move into the warm file; other sources it needs are copied (see above). */
const isWarmSource = (source) => source.startsWith('src/core/verify/');

/**
 * Importers that keep their own copies of the warm sources they import: general modules (snippet.ts
 * draws with locate/lines.ts for every command's errors) and `probe` (the locators), which would
 * otherwise load the whole verify core for a few small stateless modules.
 */
const COPIES_FOR = /[\\/]src[\\/](core[\\/](?!verify[\\/])|cli[\\/]probe)/;

/** The warm sources in a warm build's output: the roots and what they import statically. */
function warmSources(metafile) {
  return Object.keys(metafile.inputs)
    .filter((input) => isWarmSource(input) && metafile.inputs[input].bytes > 0)
    .sort();
}

/** The warm entry: every warm source as a namespace export named by its index. */
function warmEntry(sources) {
  const all = [...new Set([...WARM_ROOTS, ...sources])].sort();
  return {
    contents: all.map((source, i) => `export * as __warm_${i} from './${source}';`).join('\n'),
    resolveDir: root,
    loader: 'ts',
  };
}

/** The index of each source in warmEntry(sources), which names its namespace export. */
function warmIndex(sources) {
  const all = [...new Set([...WARM_ROOTS, ...sources])].sort();
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
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.resolving) return undefined;
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { resolving: true },
        });
        const source = path.relative(root, resolved.path).replace(/\\/g, '/');
        return sources.has(source) ? { path: resolved.path } : undefined;
      });
    },
  };
}

/**
 * Builds the warm file until the set of its sources is closed (inlining a dynamic import of a warm
 * source can bring more in), and returns it with the plugin that makes other builds read from it.
 */
export async function buildWarmFile({ options, plugins, dynamicImports, coldEntries }) {
  const once = (sources, entries) =>
    build({
      ...options,
      entryPoints: { [WARM_FILE]: 'warm-entry' },
      plugins: [
        {
          name: 'warm-entry',
          setup(b) {
            b.onResolve({ filter: /^warm-entry$/ }, () => ({
              path: 'warm',
              namespace: 'warm-entry',
            }));
            b.onLoad({ filter: /.*/, namespace: 'warm-entry' }, () => warmEntry(sources));
          },
        },
        inlineImportsOf(warmIndex(sources)),
        ...plugins,
        dynamicImports(entries),
      ],
    });
  let sources = [];
  for (let size = -1; size !== sources.length;) {
    size = sources.length;
    sources = warmSources((await once(sources, new Map())).metafile);
  }
  const result = await once(sources, coldEntries); // now its cold entries count
  const index = warmIndex(sources);
  const plugin = modulesFromSharedFile({
    name: 'modules-from-warm-file',
    file: `../${WARM_FILE}.js`,
    prefix: '__warm_',
    index,
    exportsBySource: await bundledExportsOf([...index.keys()], plugins),
    // The library's importers too (the file imports no CLI module): the registry's state is one.
    redirects: (args) => !COPIES_FOR.test(args.importer),
  });
  return { result, plugin };
}

/**
 * Cold entries built each as one file, not code-split: `verify-config` is the config group module
 * (src/cli/config.ts) with the small modules it imports (errors, report writing, chalk), reading
 * the verify core from the warm file and its spinner from the hot file: 4 files to load where the
 * split build made 17 of it. The general modules it copies are small (see above for why copies are safe).
 */
export const STANDALONE = new Map([['cli-config', []]]);

/** Builds the STANDALONE cold entries found so far, each inlining its listed dynamic imports. */
export async function buildStandaloneEntries({ options, coldEntries, plugins }) {
  const outputFiles = [];
  const metafile = { inputs: {}, outputs: {} };
  for (const [name, inline] of STANDALONE) {
    if (!coldEntries.has(name)) continue;
    const result = await build({
      ...options,
      entryPoints: { [`cold/${name}`]: coldEntries.get(name) },
      plugins: [inlineImportsOf(new Set(inline)), ...plugins],
    });
    outputFiles.push(...result.outputFiles);
    Object.assign(metafile.inputs, result.metafile.inputs);
    Object.assign(metafile.outputs, result.metafile.outputs);
  }
  return { outputFiles, metafile };
}
