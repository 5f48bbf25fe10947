// The bundle's entry point. `--version` is answered before anything else loads, so it costs
// about as much as starting Node; everything else goes through main.ts.
import { authctlVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${authctlVersion()}\n`);
} else {
  const { main } = await import('./main.js');
  await main(process.argv);
}
