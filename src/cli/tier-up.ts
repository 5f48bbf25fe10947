// How soon V8 optimises a hot function, for the one command that is a burst of hot code: `authctl
// probe` sends a thousand requests or more in a few hundred milliseconds through a handful of
// functions (its own and node:http's). With V8's default budget, TurboFan compiles them, each with
// node:http inlined, in the middle of the run: about 150 ms of compiler-thread CPU in a 330 ms run,
// on the same cores the service under test needs (docs/performance.md, "The probe and V8's
// tier-up"). A budget three times the default cuts that to ~30 ms and still optimises what stays
// hot; every other command runs too little code for the budget to matter, and `idp serve` runs for
// long, so they keep V8's default, as does a run whose Node command line sets the budget itself.
//
// Only on V8 11.3 (Node 20's), where it was measured: from V8 12 (Node 22) Maglev, a fast mid-tier
// compiler, comes first and this flag is gone (setting an unknown flag prints an error).
//
// V8's code cache records the flags it was made with and rejects itself under any others, which
// fixes when the flag is set: before any authctl file loads, so the probe's own caches are made,
// and found, with this budget (src/cli/hot-loader.ts); and after the Node built-ins the probe uses,
// whose cache is built into Node with its default flags (loaded after the flag, http and crypto
// took 5-7 ms instead of 1.8).
import { createRequire } from 'node:module';

/**
 * The built-ins a probe run loads (with what they load: streams, net, dns...), required before the
 * flag is set. test/probe/tier-up-builtins.test.ts holds a probe run to loading no other one after it.
 */
export const PROBE_BUILTINS = [
  'node:crypto',
  'node:http',
  'node:vm',
  'node:perf_hooks',
  'node:dns',
  'node:cluster',
  'node:process',
] as const;

/** V8 11.3's default `--interrupt-budget` (bytes of bytecode run between tier-up checks) times three. */
export const PROBE_INTERRUPT_BUDGET = 3 * 67_584;

/**
 * The V8 flags a run of `command` (hot-loader.ts commandOf) starts with, for V8 `v8Version` and
 * Node's own command-line flags `execArgv` (`node --interrupt-budget=N authctl probe` keeps N).
 */
export function tierUpFlags(
  command: string,
  v8Version: string,
  execArgv: readonly string[] = [],
): string[] {
  if (command !== 'probe') return [];
  if (execArgv.some((flag) => /^--interrupt[-_]budget(=|$)/.test(flag))) return [];
  return v8Version.startsWith('11.3.') ? [`--interrupt-budget=${PROBE_INTERRUPT_BUDGET}`] : [];
}

/** Sets this run's tier-up flags, before anything else is loaded (entry.ts). */
export function tuneTierUp(command: string): void {
  const flags = tierUpFlags(command, process.versions.v8, process.execArgv);
  if (!flags.length) return;
  const require = createRequire(import.meta.filename);
  for (const builtin of PROBE_BUILTINS) require(builtin);
  const v8 = require('node:v8') as typeof import('node:v8');
  for (const flag of flags) v8.setFlagsFromString(flag);
}
