// Builds dist/ with esbuild, in parts, because start-up is a feature (docs/performance.md):
//
// - hot: dist/cli/entry.cjs (answers --version alone) and dist/cli/main.cjs, one file holding commander,
//   main.ts and the `token` group with everything `authctl token mint` needs. Node's module loaders pay
//   for every file, so the common path must be one file, not a dozen split chunks.
// - cold: every other dynamically imported module (the other command groups, verify, forgeries,
//   cosmiconfig, jose...) is its own entry in dist/cold/, code-split among themselves. The hot file
//   imports them by relative path. Shared code may exist in both parts, so cross-file checks never
//   rely on class identity (AuthctlError's instanceof checks a brand).
// - warm: dist/cold/verify-core.cjs, the verify core in one file, which the cold and lib files import,
//   and the config group (dist/cold/cli-config.cjs) in one file too: `verify-config` loads 4 files, not 34
//   (scripts/build-warm.mjs).
// - lib: dist/lib/index.js, the programmatic API. It is built together with the cold entries, so the
//   two share their chunks (dist/cold/chunk-*.cjs) and every module ships once (zod, jose, cosmiconfig).
//
// Every file but dist/lib's is CommonJS, which the CLI loads with a V8 code cache (src/cli/hot-loader.ts):
// the code-split build is ESM, and each of its cold files is transformed on its own at the end
// (scripts/build-cold-cjs.mjs).
//
// The published package depends on three packages only: jose and smol-toml, because the example
// services it ships (run by `authctl demo`) import them, and yaml (verify-config's YAML files), which
// alone would be a quarter of the tarball budget. They stay run-time imports of the cold and lib files
// (installed anyway, so they ship once; smol-toml through its one-file CommonJS build, see
// smolTomlFromPackage); everything else is in dist/. Two packages are
// trimmed on the way in (trimPackages below) because they are most of the tarball otherwise: zod's 60
// message locales (authctl uses zod's default English) and the @inquirer prompts authctl never shows
// (the editor prompt alone brings iconv-lite and chardet, ~400 kB).
//
// Files are written atomically, chunks before entries, so a concurrent build never leaves a half-written
// dist/ for a running CLI or test.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  bundleMap,
  lazyChildProcessForCommander,
  onDynamicImport,
  pkg,
  PUBLIC_SUBPATHS,
  root,
  thirdPartyNotices,
  trimPackages,
} from './build-shared.mjs';
import {
  cliModulesFromHotFile,
  exportsOf,
  HOT_EXPORTS,
  hotEntry,
  hotSharedSources,
} from './build-hot-shared.mjs';
import { builtinProfileDefinitions, builtinProfilesPlugin } from './build-profiles.mjs';
import { buildStandaloneEntries, buildWarmFile, STANDALONE } from './build-warm.mjs';
import { PROBE_CORE } from './build-probe-core.mjs';
import { oneBaseChunk } from './build-base-chunk.mjs';
import { coldAsCommonJS, renameColdKeys } from './build-cold-cjs.mjs';

const outdir = path.join(root, 'dist');

/** Sources inlined into dist/cli/main.cjs: the `token mint` path. */
const HOT = new Set([
  'src/cli/main.ts',
  'src/cli/token.ts',
  'src/cli/token-mint.ts',
  'src/core/config/load.ts',
]);

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  metafile: true, // the third-party notices list what the bundle contains
  legalComments: 'none',
  // Less code to parse at start-up, and the tarball within its 400 kB budget (test/package/pack.test.ts):
  // short identifiers save 40 kB of it. --verbose stack traces still give file:line:column in dist/;
  // AUTHCTL_READABLE_BUILD=1 keeps the names for debugging a trace.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: process.env.AUTHCTL_READABLE_BUILD !== '1',

  define: { __AUTHCTL_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (cosmiconfig, commander) call require(); give them one.
  banner: {
    js: "import { createRequire as __authctlCreateRequire } from 'node:module'; const require = __authctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'silent' },
};

/**
 * Cold command modules take commander's Option from the hot file (main.ts re-exports it), which has
 * already loaded commander when they run, instead of bundling a second copy of commander.
 */
const commanderFromHotFile = {
  name: 'commander-from-hot-file',
  setup(b) {
    b.onResolve({ filter: /^commander$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]/.test(args.importer)
        ? // One stub per importer: a stub shared by several entries would be a chunk (a file) of its own.
          { path: `commander:${path.relative(root, args.importer)}`, namespace: 'hot-commander' }
        : undefined,
    );
    // Only Option: a cold module importing anything else from commander fails the build here.
    b.onLoad({ filter: /.*/, namespace: 'hot-commander' }, () => ({
      contents: `export const { Option } = ${HOT_EXPORTS};`,
      loader: 'js',
    }));
  },
};

/**
 * smol-toml is a dependency (the example services import it), so dist/ need not carry it: both builds
 * take it from node_modules at run time, through require(), which loads its one-file CommonJS build
 * (its ESM build is eight files for the loader to resolve on every `token mint`).
 */
const smolTomlFromPackage = {
  name: 'smol-toml-from-package',
  setup(b) {
    b.onResolve({ filter: /^smol-toml$/ }, (args) =>
      args.namespace === 'smol-toml-require'
        ? { path: 'smol-toml', external: true }
        : { path: 'smol-toml', namespace: 'smol-toml-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'smol-toml-require' }, () => ({
      contents: "module.exports = require('smol-toml');",
      loader: 'js',
    }));
  },
};

/** Name of a cold entry for a source file or package: src/core/idp/server.ts → core-idp-server. */
const coldName = (target) =>
  target.startsWith(root)
    ? path
        .relative(path.join(root, 'src'), target)
        .replace(/\.[tj]s$/, '')
        .replace(/[\\/]/g, '-')
    : `pkg-${target.replace(/[@/:]/g, '-').replace(/^-+/, '')}`; // node:fs/promises → pkg-node-fs-promises

/** Dynamic imports leave the hot file (unless HOT) and become cold entries, found while building. */
function splitDynamicImports(coldEntries, fromDir) {
  // fromDir: 'cli' for the hot file (HOT sources stay inline), 'dist' for the cold + lib build.
  return {
    name: 'split-dynamic-imports',
    setup(b) {
      onDynamicImport(b, (args, resolved) => {
        if (resolved.errors.length) return undefined;
        const isPackage = !args.path.startsWith('.');
        const target = isPackage ? args.path : resolved.path;
        const relative = path.relative(root, resolved.path).replace(/\\/g, '/');
        if (!isPackage && fromDir === 'cli' && HOT.has(relative)) return undefined; // inline into the hot file
        if (!isPackage && fromDir === 'cli' && relative === 'src/cli/main.ts') return undefined;
        const name = coldName(target);
        coldEntries.set(name, target);
        // Every output file sits one level below dist/ (cli/, cold/, lib/), so one relative path fits all.
        return { path: `../cold/${name}${STANDALONE.has(name) ? '.cjs' : '.js'}`, external: true };
      });
    },
  };
}

/** Virtual entries re-exporting a package, so packages imported lazily get their own cold chunk. */
const packageEntries = {
  name: 'package-entries',
  setup(b) {
    b.onResolve({ filter: /^pkg:/ }, (args) => ({
      path: args.path.slice(4),
      namespace: 'pkg-entry',
    }));
    b.onLoad({ filter: /.*/, namespace: 'pkg-entry' }, (args) => ({
      // `default` serves CommonJS packages (cosmiconfig); ESM ones have none, hence the silenced warning.
      contents: `import * as m from ${JSON.stringify(args.path)}; export * from ${JSON.stringify(args.path)}; export default (m.default ?? m);`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const outputs = [];
const coldEntries = new Map();
// verify-config's built-in profiles, parsed once here: dist/ embeds the definitions (build-profiles.mjs).
const builtinProfiles = builtinProfilesPlugin(await builtinProfileDefinitions());

/**
 * The entry and the hot file are CommonJS (dist/cli/*.cjs): only a script, not an ES module, can be compiled with
 * V8's cached data on Node 20 (src/cli/hot-loader.ts). Code compiled that way cannot call import()
 * itself, so its imports of the cold modules go through the function entry.ts puts on globalThis; when
 * Node's own loader compiled the file (no cache), the fallback import() works.
 */
const COLD_IMPORT = "Symbol.for('authctl.importCold')";
const hotFormat = {
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // import.meta.filename/dirname are CommonJS's own; import.meta.url is made on first read (a file
  // URL costs node:url's parser and formatter, ~0.4 ms of a start: src uses the path where it can).
  define: {
    ...common.define,
    'import.meta.url': '__authctlModule.url',
    'import.meta.filename': '__filename',
    'import.meta.dirname': '__dirname',
  },
  banner: {}, // not the ES modules' (CommonJS has a require); commonJsPrologue writes its own
};
// The prologue lines of a CommonJS file, each only where the file uses it (commonJsPrologue).
const MODULE_URL =
  "var __authctlModule = { get url() { return require('node:url').pathToFileURL(__filename).href; } };";
const IMPORT_ROUTER = `var __authctlImport = (s) => (globalThis[${COLD_IMPORT}] ?? ((x) => /^\\.\\.\\/cold\\/.*\\.cjs$/.test(x) ? Promise.resolve().then(() => require(x)) : import(x)))(s);`;

// entry.ts → main.cjs stays a separate file so --version never loads commander. CommonJS too (with
// bin/authctl.cjs): `token mint` and `--version` never start Node's ES module loader.
const entryResult = await build({
  ...common,
  ...hotFormat,
  entryPoints: { 'cli/entry': 'src/cli/entry.ts' },
  outdir,
});
outputs.push(...entryResult.outputFiles);

/**
 * A CommonJS file (the entry, the hot file, the cold .cjs ones) with the prologue it needs:
 * import.meta.url's stand-in, and the router of its import() calls, every one of which becomes
 * `__authctlImport(...)`: code compiled by vm.Script cannot call import() itself on Node 20 (entry.ts
 * routes them). Relative ones name dist/cold/ files (one relative path fits every file, all one level
 * below dist/). Only where used: 124 cold files would carry ~30 kB of prologue otherwise.
 */
function commonJsPrologue(file) {
  if (!file.path.endsWith('.cjs')) return file;
  // entry.cjs is the router (and Node's loader compiles it: its own import() works).
  const router = !file.path.endsWith(`${path.sep}entry.cjs`);
  const body = router ? file.text.replace(/(?<![.\w$])import\(/g, '__authctlImport(') : file.text;
  if (/__authctlImport\((["'`])\.(?!\.\/cold\/)/.test(body))
    throw new Error(`${path.relative(root, file.path)}: a relative import() outside ../cold/`);
  const prologue = [
    body.includes('__authctlModule.url') && MODULE_URL,
    body.includes('__authctlImport(') && IMPORT_ROUTER,
  ].filter(Boolean);
  if (!prologue.length) return file;
  const text = `${prologue.join(' ')}\n${body}`;
  return { path: file.path, contents: Buffer.from(text), text };
}

const buildHot = (entry) =>
  build({
    ...common,
    ...hotFormat,
    entryPoints: { 'cli/main': 'hot-entry' },
    outdir,
    plugins: [
      {
        name: 'hot-entry',
        setup(b) {
          b.onResolve({ filter: /^hot-entry$/ }, () => ({ path: 'main', namespace: 'hot-entry' }));
          b.onLoad({ filter: /.*/, namespace: 'hot-entry' }, () => entry);
        },
      },
      lazyChildProcessForCommander,
      trimPackages,
      smolTomlFromPackage,
      splitDynamicImports(coldEntries, 'cli'),
    ],
  });
// Twice: the first build tells which modules the hot file holds; the second also exports those the
// cold command modules import, for them to share (scripts/build-hot-shared.mjs).
const sharedCli = await hotSharedSources((await buildHot(hotEntry([]))).metafile);
const hot = await buildHot(hotEntry(sharedCli));
const sharedCliExports = await exportsOf(sharedCli);
outputs.push(...hot.outputFiles);

const coldExternal = ['jose', 'yaml', 'ioredis', '@peculiar/asn1-schema', '@peculiar/asn1-x509'];

// The verify core, one file (scripts/build-warm.mjs), and the cold entries built on their own. Both
// CommonJS, like the hot file and for the same reason: `verify-config` loads them with the code cache.
const coldOptions = { ...common, outdir, external: coldExternal };
const warmFile = (core) =>
  buildWarmFile({
    core,
    options: { ...coldOptions, ...hotFormat },
    plugins: [trimPackages, smolTomlFromPackage, builtinProfiles],
    dynamicImports: (entries) => splitDynamicImports(entries, 'dist'),
    coldEntries,
  });
const warm = await warmFile(); // the verify core's (buildWarmFile's default)
// The probe core, one file the CLI's probe and the library share (scripts/build-probe-core.mjs).
const probeCore = await warmFile(PROBE_CORE);
const standalone = await buildStandaloneEntries({
  options: { ...coldOptions, ...hotFormat },
  coldEntries,
  // Modules read from the warm and hot files first, then cold entries for what stays lazy (before
  // trimPackages: @inquirer/prompts must stay a cold entry, not be inlined with node:readline).
  plugins: [
    warm.standalonePlugin,
    cliModulesFromHotFile(sharedCli, sharedCliExports, { dynamic: true }),
    splitDynamicImports(coldEntries, 'dist'),
    commanderFromHotFile,
    lazyChildProcessForCommander,
    trimPackages,
    smolTomlFromPackage,
    builtinProfiles,
  ],
});
outputs.push(...standalone.outputFiles);

// Cold entries and the library, in one code-split build (shared chunks in dist/cold/). Cold entries can
// reveal more dynamic imports; build until the set is closed.
let shared;
let sharedResult;
for (let size = -1; size !== coldEntries.size;) {
  size = coldEntries.size;
  // Sorted: entry order decides chunk contents, so the same sources always give the same chunk names.
  const entryPoints = Object.fromEntries(
    [...coldEntries]
      .filter(([name]) => !STANDALONE.has(name)) // built above
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, target]) => [
        `cold/${name}`,
        target.startsWith(root) ? target : `pkg:${target}`,
      ]),
  );
  entryPoints['lib/index'] = 'src/index.ts';
  // The subpath entry points (package.json "exports": authctl/token, authctl/idp, ...): src/api/*.ts.
  for (const name of PUBLIC_SUBPATHS) entryPoints[`lib/${name}`] = `src/api/${name}.ts`;
  const result = await build({
    ...common,
    entryPoints,
    outdir,
    splitting: true,
    chunkNames: 'cold/chunk-[hash]',
    // Run-time dependencies (package.json): loaded from node_modules, only by the code that needs them
    // (ioredis only for `idp serve --store redis://`, @peculiar/asn1-* only for `idp serve --tls`).
    external: coldExternal,
    plugins: [
      warm.plugin,
      probeCore.plugin,
      commanderFromHotFile,
      cliModulesFromHotFile(sharedCli, sharedCliExports),
      lazyChildProcessForCommander,
      trimPackages,
      smolTomlFromPackage,
      packageEntries,
      builtinProfiles,
      oneBaseChunk(),
      splitDynamicImports(coldEntries, 'dist'),
    ],
  });
  shared = result.outputFiles;
  sharedResult = result;
}
outputs.push(...shared);
const warmResult = await warm.final();
outputs.push(...warmResult.outputFiles);
const probeCoreResult = await probeCore.final();
outputs.push(...probeCoreResult.outputFiles);

const builds = [entryResult, hot, warmResult, probeCoreResult, standalone, sharedResult];
outputs.push(thirdPartyNotices(builds, path.join(outdir, 'THIRD-PARTY-LICENSES.txt')));

// The cold files as CommonJS (scripts/build-cold-cjs.mjs); every CommonJS file's prologue.
const final = (await coldAsCommonJS(outputs, hotFormat)).map(commonJsPrologue);

// Write: chunks first, then entries, each atomically.
const isChunk = (file) => path.basename(file.path).startsWith('chunk-');
const ordered = [...final].sort(
  (a, b) =>
    Number(isChunk(b)) - Number(isChunk(a)) ||
    Number(a.path.endsWith('entry.cjs')) - Number(b.path.endsWith('entry.cjs')),
);
const written = new Set();
for (const file of ordered) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
  written.add(file.path);
}

// Not in dist/ (never shipped): which sources and packages each output file holds, for the tests.
const metaDir = path.join(root, 'dist-meta');
mkdirSync(metaDir, { recursive: true });
const bundlesFile = path.join(metaDir, 'bundles.json');
writeFileSync(
  `${bundlesFile}.${process.pid}.tmp`,
  `${JSON.stringify(renameColdKeys(bundleMap(builds, outdir), final), null, 1)}\n`,
);
renameSync(`${bundlesFile}.${process.pid}.tmp`, bundlesFile);
// The sources the hot file shares, by their `__hot(i)` index (scripts/build-hot-shared.mjs).
writeFileSync(path.join(metaDir, 'hot-shared.json'), `${JSON.stringify(sharedCli, null, 1)}\n`);

// Drop files from older builds once they are no longer fresh (a running process may still load them).
// `--clean` (prepack) drops every file this build did not write, so a tarball never ships stale chunks.
const tenMinutesAgo = process.argv.includes('--clean') ? Infinity : Date.now() - 10 * 60 * 1000;
const sweep = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) sweep(file);
    else if (/\.c?js$/.test(name) && !written.has(file) && stat.mtimeMs < tenMinutesAgo)
      rmSync(file, { force: true });
  }
};
sweep(outdir);
