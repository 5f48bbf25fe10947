// `node scripts/lint/cycles-cli.mjs` (`npm run cycles`): exit 1 when src/ has any import cycle
// (type-only imports included, scripts/lint/cycles.mjs). There is no allowlist: the last known
// cycles were removed by moving their shared types into files of their own (issue #12 item 5).
// An optional argument checks another directory instead of src/ (the tooling test does).
import { findCycles, importGraph, sampleCycle, sourceFiles } from './cycles.mjs';

const graph = importGraph(sourceFiles(process.argv[2]));
const cycles = findCycles(graph);
for (const cycle of cycles) {
  console.log(`import cycle in src/: ${sampleCycle(graph, cycle).join(' -> ')}`);
  console.log(`  (all files of the cycle: ${cycle.join(', ')})`);
}
if (cycles.length > 0) {
  console.log('hint: move the shared types or helpers into their own module that both import');
  process.exitCode = 1;
} else {
  console.log(`no import cycle in src/ (${graph.size} files)`);
}
