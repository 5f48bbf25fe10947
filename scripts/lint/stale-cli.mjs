// `npm run lint:allowlist`: prints the lint allowlist entries that can go or shrink;
// `npm run lint:allowlist -- --write` rewrites the list from today's code (update-allowlist.mjs).
if (process.argv.includes('--write')) {
  await import('./update-allowlist.mjs');
} else {
  const { staleEntries } = await import('./stale.mjs');
  const lines = await staleEntries();
  console.log(lines.length ? lines.join('\n') : 'every allowlist entry is still needed');
}
