// The bundle's entry point (dist/cli/entry.cjs, required by bin/authctl.cjs). `--version` is answered
// before anything else loads, so it costs about as much as starting Node; everything else goes through
// main.ts, in the hot file dist/cli/main.cjs, loaded with a V8 code cache (hot-loader.ts). Both are
// CommonJS: a command that needs no cold module starts without Node's ES module loader.
import { createRequire } from 'node:module';
import { EXIT_CLOSED_PIPE } from './exit.js';
import { commandOf, requireWithCodeCache } from './hot-loader.js';
import { tuneTierUp } from './tier-up.js';
import { authctlVersion } from './version.js';

/**
 * The CommonJS files' dynamic imports, relative ones resolved from this directory: code compiled by
 * vm.Script cannot call import() itself on Node 20, so the build routes them here (build.mjs). A
 * cold file (../cold/*.cjs) is required with the code cache, as the hot file was.
 */
export const COLD_IMPORT = Symbol.for('authctl.importCold');

/** The hot file's exports, where the cold files take its shared modules (scripts/build-hot-shared.mjs). */
export const HOT_EXPORTS = Symbol.for('authctl.hot');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  printVersion();
} else {
  tuneTierUp(commandOf(args));
  // Paths, not URLs: a file URL is parsed and formatted by node:url, ~0.4 ms of every start (issue #17).
  const { resolve: resolvePath } = createRequire(import.meta.filename)(
    'node:path',
  ) as typeof import('node:path');
  (globalThis as Record<symbol, unknown>)[COLD_IMPORT] = (specifier: string) => {
    if (/^\.\.\/cold\/.*\.cjs$/.test(specifier)) {
      const file = resolvePath(import.meta.dirname, specifier);
      return new Promise((resolve) => resolve(requireWithCodeCache(file, process.env)));
    }
    // Anything else as Node imports it: a package, or a file URL (a JavaScript config file).
    return import(specifier.startsWith('.') ? new URL(specifier, import.meta.url).href : specifier);
  };
  const hot = resolvePath(import.meta.dirname, 'main.cjs');
  const exports = requireWithCodeCache(hot, process.env) as typeof import('./main.js');
  (globalThis as Record<symbol, unknown>)[HOT_EXPORTS] = exports;
  const { main } = exports;
  // main() ends the process itself (process.exit after the output drained); it never rejects.
  void main(process.argv);
}

/**
 * The version on file descriptor 1 itself: `process.stdout` on a pipe builds a net.Socket (and
 * loads net and the streams), most of what `--version` would cost over `node -e 0`. A pipe another
 * process made non-blocking may answer EAGAIN: then Node's stream writes it (src/cli/stdio.ts does
 * the same for every command). A reader that closed the pipe gets EXIT_CLOSED_PIPE, as every command does.
 */
function printVersion(): void {
  const line = `${authctlVersion()}\n`;
  const { writeSync } = createRequire(import.meta.filename)('node:fs') as typeof import('node:fs');
  try {
    writeSync(1, line);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(EXIT_CLOSED_PIPE);
    if (code !== 'EAGAIN') throw error;
    process.stdout.write(line);
  }
}
