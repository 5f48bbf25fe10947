// `node scripts/check.mjs --stale` / `npm run lint:allowlist`: prints the lint allowlist entries that can go or shrink.
import { staleEntries } from './stale.mjs';

const lines = await staleEntries();
console.log(lines.length ? lines.join('\n') : 'every allowlist entry is still needed');
