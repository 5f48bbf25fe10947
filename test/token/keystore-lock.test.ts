import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { withFileLock } from '../../src/core/fs/lock.js';
import { tempDir } from '../helpers/cli.js';

describe('the keystore lock during a long hold', () => {
  it('is not broken as stale while its holder is still working (slow RSA keygen)', async () => {
    const target = path.join(tempDir(), 'keys.json');
    const staleMs = 1500;
    let inside = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const holderIn = new Promise<void>((resolve) => (entered = resolve));
    const holder = withFileLock(
      target,
      async () => {
        inside++;
        entered();
        await held;
        inside--;
      },
      { staleMs },
    );
    await holderIn;
    let seenByContender: number | undefined;
    const contender = withFileLock(
      target,
      async () => {
        seenByContender = inside;
      },
      { staleMs, timeoutMs: 60_000 },
    );
    // Hold for well over staleMs; without the heartbeat the contender would break the lock and run now.
    await new Promise((resolve) => setTimeout(resolve, staleMs * 3));
    expect(seenByContender).toBeUndefined();
    release();
    await Promise.all([holder, contender]);
    expect(seenByContender).toBe(0);
  });
});
