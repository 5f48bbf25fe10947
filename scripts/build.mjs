// Bundles src/ into dist/ with esbuild. Command groups are dynamic imports, so
// esbuild splits them into chunks that load only when that command runs.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { 'cli/entry': 'src/cli/entry.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
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
