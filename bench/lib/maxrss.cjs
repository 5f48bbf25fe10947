// Preloaded with `node --require <this file> ...`: writes the process's peak RSS (KiB) to
// $AUTHCTL_BENCH_MAXRSS when it exits, so a bench can report the peak memory of a whole CLI run.
// CommonJS, like the CLI: an ES module preload (--import) would start Node's ES module loader in a
// process that otherwise never does, and that cost (~5 ms) is the bench's, not the CLI's.
const { writeFileSync } = require('node:fs');

const file = process.env.AUTHCTL_BENCH_MAXRSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
