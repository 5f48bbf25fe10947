// The static checks of `npm test` (and so .ci/run), issue #12 item 7: types (tsc --noEmit), lint
// (ESLint: no-floating-promises, size limits, layers), format (prettier --check) and import cycles.
// They run side by side (each is one process on one core) and every one reports, so a single run
// lists all that is wrong; the exit status is 1 when any failed. `--stale` also lists lint allowlist
// entries that are no longer needed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
/** What prettier and ESLint look at (fixtures are byte-exact inputs: .prettierignore). */
export const FORMATTED = [
  'src/**/*.ts',
  'test/**/*.ts',
  'bench/**/*.mjs',
  'scripts/**/*.mjs',
  'action/**/*.mjs',
  'vitest.config.ts',
  'eslint.config.mjs',
];

// Caches under node_modules/.cache make a second run on a laptop fast; CI starts from a clean clone.
const cache = (name) => path.join(root, 'node_modules', '.cache', 'authctl-check', name);
const checks = [
  {
    name: 'types',
    args: [bin('typescript', 'bin/tsc'), '--noEmit', '--incremental'],
    extra: ['--tsBuildInfoFile', cache('tsc.tsbuildinfo')],
  },
  {
    name: 'lint',
    args: [
      bin('eslint', 'bin/eslint.js'),
      'src',
      'test',
      'bench',
      'scripts',
      'action',
      '*.mjs',
      '*.ts',
    ],
    extra: ['--cache', '--cache-strategy', 'content', '--cache-location', cache('eslint/')],
  },
  {
    name: 'format',
    args: [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', ...FORMATTED],
    extra: ['--cache', '--cache-location', cache('prettier')],
  },
  { name: 'cycles', args: [path.join(root, 'scripts', 'lint', 'cycles-cli.mjs')] },
];
if (process.argv.includes('--stale')) {
  checks.push({ name: 'allowlist', args: [path.join(root, 'scripts', 'lint', 'stale-cli.mjs')] });
}

const run = ({ name, args, extra = [] }) =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args, ...extra], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      resolve({ name, ok: code === 0, seconds, output: output.trim() });
    });
  });

const results = await Promise.all(checks.map(run));
for (const { name, ok, seconds, output } of results) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
  if (output && (!ok || name === 'allowlist')) console.log(output.replace(/^/gm, '     '));
}
if (results.some((r) => !r.ok)) {
  console.log(
    'static checks failed: `npm run format` fixes formatting; see CONTRIBUTING.md#static-checks',
  );
  process.exitCode = 1;
}
