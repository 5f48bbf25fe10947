#!/usr/bin/env node
// Tiny launcher: the real CLI is the bundle in dist/ (built by `npm run build`, run by `prepare`).
import('../dist/cli/entry.js').catch((error) => {
  // dist/cli/entry.js missing (an import), or the hot file dist/cli/main.cjs (read by entry.js).
  const missing =
    error &&
    ((error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) ||
      (error.code === 'ENOENT' && String(error.path).includes('dist')));
  if (missing) {
    process.stderr.write(
      'authctl: error: the CLI is not built (dist/ is missing)\n  hint: run `npm run build` (or `npm install`, which builds in `prepare`)\n',
    );
    process.exit(3);
  }
  throw error;
});
