// How soon V8 optimises a hot function, for the one command that is a burst of hot code: `authctl
// probe` sends a thousand requests or more in a few hundred milliseconds through a handful of
// functions (its own and node:http's). With V8's default budget, TurboFan compiles them, each with
// node:http inlined, in the middle of the run: about 150 ms of compiler-thread CPU in a 330 ms run,
// on the same cores the service under test needs (docs/performance.md, "The probe and V8's
// tier-up"). A budget three times the default cuts that to ~30 ms and still optimises what stays
// hot; every other command runs too little code for the budget to matter, and `idp serve` runs for
// long, so they keep V8's default, as does a run whose Node command line sets the budget itself.
//
// Only on V8 11 (Node 20): from V8 12 (Node 22) Maglev, a fast mid-tier compiler, comes first and
// this flag is gone (setting an unknown flag prints an error). The flag must be set before any
// file is loaded: V8's code cache records the flags it was made with and rejects itself under
// others, so the probe's caches are made, and found, with this budget (src/cli/hot-loader.ts).
import { createRequire } from 'node:module';

/** V8 11's default `--interrupt-budget` (bytes of bytecode run between tier-up checks) times three. */
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
  return Number.parseInt(v8Version, 10) === 11
    ? [`--interrupt-budget=${PROBE_INTERRUPT_BUDGET}`]
    : [];
}

/** Sets this run's tier-up flags, before anything else is loaded (entry.ts). */
export function tuneTierUp(command: string): void {
  const flags = tierUpFlags(command, process.versions.v8, process.execArgv);
  if (!flags.length) return;
  const v8 = createRequire(import.meta.filename)('node:v8') as typeof import('node:v8');
  for (const flag of flags) v8.setFlagsFromString(flag);
}
