// Benchmarks for `authctl apikey`. Run after `npm run build`: node bench/apikey.mjs
// Every number is printed next to a baseline measured in the same run, as a ratio.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildApiKeyExport,
  createApiKey,
  createApiKeyVerifier,
  createExportVerifier,
  generateApiKey,
  hashApiKey,
  verifyApiKeyAgainst,
} from '../dist/lib/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.js');
const dir = mkdtempSync(path.join(tmpdir(), 'authctl-bench-apikey-'));

function opsPerSecond(fn, ms = 400) {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

function records(count) {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const key = generateApiKey();
    return {
      key,
      record: {
        id: `key_${i}`,
        name: `k${i}`,
        prefix: 'ak_test',
        hash: hashApiKey(key),
        masked: '',
        last4: key.slice(-4),
        scopes: [],
        tenant: null,
        createdAt: now,
        expiresAt: null,
        rotatedAt: null,
        graceUntil: null,
        revokedAt: null,
        replacedBy: null,
        rotatedFrom: null,
      },
    };
  });
}

const fmt = (n) => (n >= 1000 ? `${Math.round(n).toLocaleString('en-US')}` : n.toFixed(1));
console.log(
  '# in-process verify (format + checksum + SHA-256 + constant-time scan of every record)',
);
const sample = generateApiKey();
const baseline = opsPerSecond(() => createHash('sha256').update(sample).digest('hex'));
console.log(`baseline: one SHA-256 of a key            ${fmt(baseline)} ops/s`);
for (const count of [1, 100, 1000, 10000]) {
  const set = records(count);
  const recs = set.map((s) => s.record);
  const key = set[count - 1].key;
  const now = new Date();
  const ops = opsPerSecond(() => verifyApiKeyAgainst(recs, key, now));
  console.log(
    `verifyApiKeyAgainst (scan), ${String(count).padStart(5)} keys  ${fmt(ops).padStart(10)} ops/s  (${(baseline / ops).toFixed(1)}x the cost of one hash)`,
  );
  const verifier = createApiKeyVerifier(recs);
  const indexed = opsPerSecond(() => verifier(key, now));
  console.log(
    `createApiKeyVerifier (index), ${String(count).padStart(5)} keys ${fmt(indexed).padStart(9)} ops/s  (${(baseline / indexed).toFixed(1)}x)`,
  );
  if (count === 1000) {
    const doc = buildApiKeyExport(recs, now);
    const exportVerifier = createExportVerifier(doc);
    const viaExport = opsPerSecond(() => exportVerifier(key, now));
    console.log(
      `createExportVerifier, ${count} keys        ${fmt(viaExport).padStart(10)} ops/s  (${(baseline / viaExport).toFixed(1)}x)`,
    );
  }
}

function timeSpawn(args, runs = 10, input = '') {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { input, cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

console.log('\n# CLI wall time (median of 10 spawns)');
const store = path.join(dir, 'keys.json');
const { key } = await createApiKey({ store, name: 'bench' });
for (let i = 0; i < 99; i++) await createApiKey({ store, name: `filler-${i}` });
const nodeBase = timeSpawn(['-e', '0']);
const verify = timeSpawn([bin, 'apikey', 'verify', '--store', store], 10, key);
const create = (() => {
  let i = 0;
  const times = [];
  for (let r = 0; r < 10; r++) {
    const start = process.hrtime.bigint();
    execFileSync(
      process.execPath,
      [bin, 'apikey', 'create', '--name', `cli-${i++}`, '--store', store],
      { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] },
    );
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[5];
})();
console.log(`baseline: node -e 0                        ${nodeBase.toFixed(1)} ms`);
console.log(
  `authctl apikey verify (100-key store)      ${verify.toFixed(1)} ms  (${(verify / nodeBase).toFixed(2)}x)`,
);
console.log(
  `authctl apikey create (100+ key store)     ${create.toFixed(1)} ms  (${(create / nodeBase).toFixed(2)}x)`,
);

console.log('\n# 20 concurrent `apikey create` on one store (lock + atomic write), wall time');
async function concurrent(argsFor) {
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, argsFor(i), { cwd: dir, stdio: 'ignore' });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        }),
    ),
  );
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const parallelBase = await concurrent(() => [bin, 'apikey', 'mask', 'x']);
const parallelCreate = await concurrent((i) => [
  bin,
  'apikey',
  'create',
  '--name',
  `par-${i}`,
  '--store',
  path.join(dir, 'par.json'),
]);
console.log(`baseline: 20 x authctl apikey mask        ${parallelBase.toFixed(0)} ms`);
console.log(
  `20 x authctl apikey create, one store     ${parallelCreate.toFixed(0)} ms  (${(parallelCreate / parallelBase).toFixed(2)}x)`,
);
