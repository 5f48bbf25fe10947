// The probe core as one file, dist/cold/probe-core.cjs, built like the verify core's
// (scripts/build-warm.mjs), for the same reason (issue #17): in the code-split cold build an
// `authctl probe` run loaded 39 files, most of them chunks of src/core/probe, src/core/token and
// src/core/fs cut apart by the entries sharing them (the library, the demo, `probe init`, `token
// crack`), and Node pays for each file it loads, ~8 ms of the run's start. The CLI's probe command
// and the library both read the probe's modules from this file, so the package holds one copy of
// the probe core; the file carries its own copies of the general and token modules it needs.
//
// The weak-secret word lists (src/core/probe/weak-secrets/) ship twice: in this file (the HS256
// family tries them) and in the cold entry `token crack` imports (11 kB of source), which would
// otherwise load the whole probe core for them.

/** What the file holds: these and what they import statically (and dynamic imports of them). */
const PROBE_ROOTS = [
  'src/core/probe/baseline.ts',
  'src/core/probe/http.ts',
  'src/core/probe/runner.ts',
  'src/core/probe/spec.ts',
  'src/core/probe/weak-secret-cases.ts',
  // The forgeries: every probe of a JWT service makes them (a cold file and five chunks of its own otherwise).
  'src/core/token/forge.ts',
];

/** The probe core's file: what it holds, and which imports other builds read from it. */
export const PROBE_CORE = {
  file: 'cold/probe-core',
  roots: PROBE_ROOTS,
  prefix: '__probe_',
  // Every build's imports of the probe's modules, but of the weak-secret word lists (see above).
  only: (source) =>
    /^src\/core\/probe\//.test(source) && !/^src\/core\/probe\/weak-secrets\//.test(source),
  redirects: () => true,
};
