#!/usr/bin/env node
'use strict';
// Tiny launcher: the real CLI is the bundle in dist/ (built by `npm run build`, run by `prepare`).
// CommonJS, like dist/cli/entry.cjs and the hot file it loads: a command that needs no cold module
// (`token mint`, `--version`) starts without Node's ES module loader (issue #17: ~5 ms of every start).
try {
  require('../dist/cli/entry.cjs');
} catch (error) {
  // dist/cli/entry.cjs missing (a require), or the hot file dist/cli/main.cjs (read by entry.cjs).
  const missing =
    error &&
    ((error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist')) ||
      (error.code === 'ENOENT' && String(error.path).includes('dist')));
  if (!missing) throw error;
  process.stderr.write(
    'authctl: error: the CLI is not built (dist/ is missing)\n  hint: run `npm run build` (or `npm install`, which builds in `prepare`)\n',
  );
  process.exit(3);
}
