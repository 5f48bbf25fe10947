// Builds dist/ with esbuild, in two parts, because start-up is a feature (DESIGN.md):
//
// - hot: dist/cli/entry.js (answers --version alone) and dist/cli/main.js, one file holding commander,
//   main.ts and the `token` group with everything `authctl token mint` needs. Node's ESM loader pays
//   a few ms per module file, so the common path must be one file, not a dozen split chunks.
// - cold: every other dynamically imported module (the other command groups, verify, forgeries,
//   cosmiconfig, jose...) is its own entry in dist/cold/, code-split among themselves. The hot file
//   imports them by relative path. Shared code may exist in both parts, so cross-file checks never
//   rely on class identity (AuthctlError's instanceof checks a brand).
// - lib: dist/lib/index.js, the programmatic API.
//
// Files are written atomically, chunks before entries, so a concurrent build never leaves a half-written
// dist/ for a running CLI or test.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Sources inlined into dist/cli/main.js: the `token mint` path. */
const HOT = new Set(['src/cli/main.ts', 'src/cli/token.ts', 'src/cli/token-mint.ts', 'src/core/config/load.ts']);

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  legalComments: 'none',
  // Less code to parse at start-up; identifiers stay readable for --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // cosmiconfig only needs typescript for .ts config files, which authctl does not support.
  external: ['typescript'],
  define: { __AUTHCTL_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (cosmiconfig, commander) call require(); give them one.
  banner: {
    js: "import { createRequire as __authctlCreateRequire } from 'node:module'; const require = __authctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'silent' },
};

// commander requires node:child_process at load time, only to run git-style executable subcommands
// (unused here); loading it drags in net and dgram on every start, so commander gets a lazy proxy.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

/** Name of a cold entry for a source file or package: src/core/idp/server.ts → core-idp-server. */
const coldName = (target) =>
  target.startsWith(root) ? path.relative(path.join(root, 'src'), target).replace(/\.[tj]s$/, '').replace(/[\\/]/g, '-') : `pkg-${target.replace(/[@/]/g, '-').replace(/^-+/, '')}`;

/** Dynamic imports leave the hot file (unless HOT) and become cold entries, found while building. */
function splitDynamicImports(coldEntries, fromDir) {
  return {
    name: 'split-dynamic-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.resolving) return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
        if (resolved.errors.length) return undefined;
        const isPackage = !args.path.startsWith('.');
        const target = isPackage ? args.path : resolved.path;
        const relative = path.relative(root, resolved.path).replace(/\\/g, '/');
        if (!isPackage && fromDir === 'cli' && HOT.has(relative)) return undefined; // inline into the hot file
        if (!isPackage && fromDir === 'cli' && relative === 'src/cli/main.ts') return undefined;
        const name = coldName(target);
        coldEntries.set(name, target);
        const file = fromDir === 'cli' ? `../cold/${name}.js` : `./${name}.js`;
        return { path: file, external: true };
      });
    },
  };
}

/** Virtual entries re-exporting a package, so packages imported lazily get their own cold chunk. */
const packageEntries = {
  name: 'package-entries',
  setup(b) {
    b.onResolve({ filter: /^pkg:/ }, (args) => ({ path: args.path.slice(4), namespace: 'pkg-entry' }));
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

// entry.ts → main.js stays a separate file so --version never loads commander.
const entryResult = await build({
  ...common,
  entryPoints: { 'cli/entry': 'src/cli/entry.ts' },
  outdir,
  plugins: [{ name: 'main-external', setup: (b) => b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.js', external: true })) }],
});
outputs.push(...entryResult.outputFiles);

const hot = await build({ ...common, entryPoints: { 'cli/main': 'src/cli/main.ts' }, outdir, plugins: [lazyChildProcessForCommander, splitDynamicImports(coldEntries, 'cli')] });
outputs.push(...hot.outputFiles);

// Cold entries can reveal more dynamic imports; build until the set is closed.
let coldOutputs;
for (let size = -1; size !== coldEntries.size; ) {
  size = coldEntries.size;
  const entryPoints = Object.fromEntries([...coldEntries].map(([name, target]) => [name, target.startsWith(root) ? target : `pkg:${target}`]));
  const cold = await build({
    ...common,
    entryPoints,
    outdir: path.join(outdir, 'cold'),
    splitting: true,
    chunkNames: 'chunk-[hash]',
    plugins: [lazyChildProcessForCommander, packageEntries, splitDynamicImports(coldEntries, 'cold')],
  });
  coldOutputs = cold.outputFiles;
}
outputs.push(...coldOutputs);

const lib = await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: path.join(outdir, 'lib'), splitting: true, chunkNames: 'chunk-[hash]', plugins: [lazyChildProcessForCommander] });
outputs.push(...lib.outputFiles);

// Write: chunks first, then entries, each atomically.
const isChunk = (file) => path.basename(file.path).startsWith('chunk-');
const ordered = [...outputs].sort((a, b) => Number(isChunk(b)) - Number(isChunk(a)) || Number(a.path.endsWith('entry.js')) - Number(b.path.endsWith('entry.js')));
const written = new Set();
for (const file of ordered) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
  written.add(file.path);
}

// Drop files from older builds once they are no longer fresh (a running process may still load them).
const tenMinutesAgo = Date.now() - 10 * 60 * 1000;
const sweep = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) sweep(file);
    else if (name.endsWith('.js') && !written.has(file) && stat.mtimeMs < tenMinutesAgo) rmSync(file, { force: true });
  }
};
sweep(outdir);
