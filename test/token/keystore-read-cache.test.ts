import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeFs } from '../../src/core/node.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { tempDir } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

/** How many times keys.json itself was read (not stat'ed) since the spy was set. */
function spyReads(file: string): () => number {
  const spy = vi.spyOn(nodeFs, 'readFileSync');
  return () => spy.mock.calls.filter(([p]) => p === file).length;
}

describe('keystore reads: an unchanged keys.json is not read again', () => {
  it('reads keys.json once for many signing-key lookups (after the one that made the key), the same key each time', async () => {
    const dir = tempDir();
    const keystore = new Keystore({ dir });
    await keystore.signingKey('ES256'); // creates it
    const reads = spyReads(keystore.file);
    const first = await keystore.signingKey('ES256');
    expect(reads()).toBe(1);
    const again = await Promise.all(Array.from({ length: 20 }, () => keystore.signingKey('ES256')));
    expect(reads()).toBe(1);
    for (const k of again) expect(k.record.kid).toBe(first.record.kid);
  });

  it('sees a rotation made by another process (another Keystore on the same directory)', async () => {
    const dir = tempDir();
    const mine = new Keystore({ dir });
    const before = await mine.signingKey('ES256');
    const other = new Keystore({ dir });
    await other.rotate({ alg: 'ES256' });
    const after = await mine.signingKey('ES256');
    expect(after.record.kid).not.toBe(before.record.kid);
    expect((await mine.list()).map((k) => k.kid)).toContain(before.record.kid);
  });

  it('sees keys.json rewritten in place, even to the same length (a corrupt file is an error, not a stale key)', async () => {
    const dir = tempDir();
    const keystore = new Keystore({ dir });
    await keystore.signingKey('ES256');
    const file = path.join(dir, 'keys.json');
    const text = readFileSync(file, 'utf8');
    // Same size, same inode: only the times say it changed.
    writeFileSync(file, '{' + ' '.repeat(text.length - 1));
    await expect(keystore.signingKey('ES256')).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_CORRUPT',
    });
  });

  it('a failed write leaves what read() returns as the file has it', async () => {
    const dir = tempDir();
    const keystore = new Keystore({ dir });
    await keystore.signingKey('ES256');
    const listed = (await keystore.list()).map((k) => k.kid);
    vi.spyOn(nodeFs.promises, 'rename').mockRejectedValueOnce(
      Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }),
    );
    await expect(keystore.rotate({ alg: 'ES256' })).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_WRITE',
    });
    // The rotation changed its own copy of the ring only: nothing of it shows.
    expect((await keystore.list()).map((k) => k.kid)).toEqual(listed);
  });
});
