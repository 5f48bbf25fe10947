// Bundles src/ into dist/ with esbuild. Command groups are dynamic imports, so esbuild splits
// them into chunks that load only when that command runs.
//
// Chunks have content-hashed names and the entry files are written last, each atomically, so a
// build never leaves dist/ half-written for a process (or test) that is running from it.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'cli/entry': 'src/cli/entry.ts', index: 'src/index.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  legalComments: 'none',
  // cosmiconfig only needs typescript for .ts config files, which authctl does not support.
  external: ['typescript'],
  define: { __AUTHCTL_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (cosmiconfig) call require(); give them one.
  banner: {
    js: "import { createRequire as __authctlCreateRequire } from 'node:module'; const require = __authctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

const entries = new Set([path.join(outdir, 'cli/entry.js'), path.join(outdir, 'index.js')]);
const written = new Set();
const ordered = [...result.outputFiles].sort((a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)));
for (const file of ordered) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
  written.add(file.path);
}

// Drop chunks from older builds once they are no longer fresh (a running process may still load them).
const tenMinutesAgo = Date.now() - 10 * 60 * 1000;
for (const name of readdirSync(outdir)) {
  const file = path.join(outdir, name);
  if (name.endsWith('.js') && !written.has(file) && statSync(file).mtimeMs < tenMinutesAgo) rmSync(file, { force: true });
}
