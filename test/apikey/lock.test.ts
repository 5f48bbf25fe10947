import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/core/fs/lock.js';
import { tempDir } from '../helpers/cli.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

// The apikey store relies on these properties of withFileLock (see the 20-process test in cli.test.ts).
describe('withFileLock, as the API key store uses it', () => {
  it('breaks a lock left by a dead process at once', async () => {
    const target = path.join(tempDir(), 'store.json');
    await fs.writeFile(
      `${target}.lock`,
      JSON.stringify({ pid: deadPid(), host: hostname(), at: Date.now(), nonce: 'x' }),
    );
    // Were the lock not broken at once, withFileLock would wait for staleMs (30 s) and time out first.
    expect(await withFileLock(target, async () => 'ran', { timeoutMs: 5000 })).toBe('ran');
    expect((await fs.readdir(path.dirname(target))).sort()).toEqual([]);
  });

  it('respects a lock held by a live process until the timeout', async () => {
    const target = path.join(tempDir(), 'store.json');
    const live = JSON.stringify({
      pid: process.ppid,
      host: hostname(),
      at: Date.now(),
      nonce: 'y',
    });
    await fs.writeFile(`${target}.lock`, live);
    await expect(withFileLock(target, async () => 'ran', { timeoutMs: 200 })).rejects.toMatchObject(
      { code: 'ERR_LOCK_TIMEOUT', kind: 'environment' },
    );
    expect(await fs.readFile(`${target}.lock`, 'utf8')).toBe(live);
    expect((await fs.readdir(path.dirname(target))).sort()).toEqual(['store.json.lock']);
  });

  it('serialises writers in one process and never leaves the lock file behind', async () => {
    const target = path.join(tempDir(), 'counter.txt');
    await fs.writeFile(target, '0');
    await Promise.all(
      Array.from({ length: 25 }, () =>
        withFileLock(target, async () => {
          const n = Number(await fs.readFile(target, 'utf8'));
          await new Promise((r) => setTimeout(r, 1));
          await fs.writeFile(target, String(n + 1));
        }),
      ),
    );
    expect(await fs.readFile(target, 'utf8')).toBe('25');
    expect(await fs.readdir(path.dirname(target))).toEqual(['counter.txt']);
  });
});
