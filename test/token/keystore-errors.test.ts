import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { nodeFs } from '../../src/core/node.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { tempDir } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

describe('keystore write failures', () => {
  it('a failed write (disk full) is ERR_KEYSTORE_WRITE naming the file, leaves no temp file and no keystore', async () => {
    const dir = tempDir();
    const keystore = new Keystore({ dir });
    vi.spyOn(nodeFs.promises, 'rename').mockRejectedValueOnce(
      Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }),
    );
    const error = await keystore.signingKey('ES256').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_KEYSTORE_WRITE',
      kind: 'environment',
      where: path.join(dir, 'keys.json'),
    });
    expect((error as Error).message).toBe(
      `cannot write the keystore ${path.join(dir, 'keys.json')}: the disk is full (ENOSPC)`,
    );
    expect(existsSync(path.join(dir, 'keys.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
    // The next use succeeds: nothing half-written was left behind.
    await expect(keystore.signingKey('ES256')).resolves.toMatchObject({ record: { alg: 'ES256' } });
  });
});
