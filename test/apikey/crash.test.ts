import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { watch, promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey, hashApiKey, readApiKeyStore } from '../../src/core/apikey/index.js';
import { storedRecord } from '../helpers/apikey-record.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const WRITER = path.join(ROOT, 'test/apikey/fixtures/crash-writer.mjs');
/** writeFileAtomic's temp file for the store: `.apikeys.json.<pid>.<random>.tmp`. */
const STORE_TEMP = /^\.apikeys\.json\.\d+\.[0-9a-f]+\.tmp$/;

/** A store big enough (~4 MB) that writing it takes a while, so the kill lands mid-write. */
async function seedLargeStore(store: string, count: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) =>
    storedRecord(hashApiKey(`seed-${i}-${randomBytes(4).toString('hex')}`), {
      id: `key_seed${String(i).padStart(8, '0')}`,
      name: `seed-${i}`,
      masked: 'ak_test_seed…0000',
      scopes: ['read:things', 'write:things'],
      tenant: 'tenant-with-a-long-name',
    }),
  );
  await fs.writeFile(store, JSON.stringify({ version: 1, keys }, null, 2), { mode: 0o600 });
}

/**
 * Runs the writer until it has committed at least `minCommits` keys, then SIGKILLs it the moment
 * its next temp file appears (i.e. during a write). Returns the names it reported as committed
 * and whether a temp file was left behind (proof that the kill landed mid-write).
 */
function killMidWrite(
  dir: string,
  store: string,
  start: number,
  minCommits: number,
): Promise<{ committed: string[]; tempLeft: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, store, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: string[] = [];
    let stderr = '';
    let armed = false;
    let killed = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const watcher = watch(dir, (_event, file) => {
      if (armed && file && STORE_TEMP.test(String(file))) kill();
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n'))
        if (line.startsWith('committed ')) committed.push(line.slice(10));
      if (committed.length >= minCommits) armed = true;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => kill(), 20_000);
    child.on('error', reject);
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      watcher.close();
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited ${code}: ${stderr}`));
      const tempLeft = (await fs.readdir(dir)).some((f) => STORE_TEMP.test(f));
      resolve({ committed, tempLeft });
    });
  });
}

describe('crash safety', () => {
  it('a writer killed mid-write leaves the previous store intact and the next writer proceeds', async () => {
    const dir = tempDir('authctl-apikey-crash-');
    const store = path.join(dir, 'apikeys.json');
    const seeded = 8_000;
    await seedLargeStore(store, seeded);
    let expected = new Set<string>();
    let midWriteKills = 0;
    for (let round = 0; round < 3; round++) {
      const { committed, tempLeft } = await killMidWrite(dir, store, round * 1000, 2);
      if (tempLeft) midWriteKills++;
      for (const name of committed) expected.add(name);
      // The store parses, and holds every committed key: the interrupted write either fully
      // happened (rename done just before the kill) or not at all.
      const data = await readApiKeyStore(store);
      const names = new Set(
        data.keys.filter((k) => k.name.startsWith('crash-')).map((k) => k.name),
      );
      for (const name of expected) expect(names.has(name), name).toBe(true);
      expect(names.size - expected.size).toBeLessThanOrEqual(1);
      expect(data.keys.length - names.size).toBe(seeded);
      expected = names;
      expect((await fs.stat(store)).mode & 0o777).toBe(0o600);
    }
    expect(midWriteKills).toBeGreaterThan(0);
    // The dead writer's lock does not block the next one.
    const next = await createApiKey({ store, name: 'after-crash', lock: { timeoutMs: 5000 } });
    expect(next.info.status).toBe('active');
    expect((await readApiKeyStore(store)).keys).toHaveLength(seeded + expected.size + 1);
    // ...and it clears the temp files the killed writers left behind (the store's and its index's).
    expect((await fs.readdir(dir)).sort()).toEqual(['apikeys.json', 'apikeys.json.index']);
  }, 60_000);
});
