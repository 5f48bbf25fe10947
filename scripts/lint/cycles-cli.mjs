// `node scripts/lint/cycles-cli.mjs`: exit 1 when src/ has an import cycle that is not one of today's
// (CYCLES_TODAY, shrinking as core-b's layering work lands), or when one of today's has grown.
import { findCycles, importGraph, sampleCycle, sourceFiles } from './cycles.mjs';
import { CYCLES_TODAY } from './allowlist.mjs';

const graph = importGraph(sourceFiles());
const cycles = findCycles(graph);
const known = CYCLES_TODAY.map((files) => new Set(files));
let failed = false;
for (const cycle of cycles) {
  const allowed = known.some((files) => cycle.every((file) => files.has(file)));
  if (!allowed) {
    failed = true;
    console.log(`import cycle in src/: ${sampleCycle(graph, cycle).join(' -> ')}`);
    console.log(`  (all files of the cycle: ${cycle.join(', ')})`);
  }
}
if (failed) {
  console.log('hint: move the shared types or helpers into their own module that both import');
  process.exitCode = 1;
} else {
  console.log(`${cycles.length} known cycle(s), no new one (${graph.size} files)`);
}
