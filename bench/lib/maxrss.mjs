// Preloaded with `node --import <this file's URL> ...`: writes the process's peak RSS (KiB) to
// $AUTHCTL_BENCH_MAXRSS when it exits, so a bench can report the peak memory of a whole CLI run.
import { writeFileSync } from 'node:fs';

const file = process.env.AUTHCTL_BENCH_MAXRSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
