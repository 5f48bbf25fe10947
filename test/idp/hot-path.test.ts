import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdpKeys } from '../../src/core/idp/keys.js';
import { memoized } from '../../src/core/memo.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { tempDir } from '../helpers/cli.js';
import { seededHome } from './helpers.js';

// The token path's caches (issue #17): they save work per request, never change an answer.
describe('issuer hot-path caches', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function keysIn(): Promise<{ keys: IdpKeys; dir: string }> {
    const [seed, dir] = [await seededHome(), tempDir('authctl-hot-path-')];
    dirs.push(seed, dir);
    copyFileSync(path.join(seed, 'keys.json'), path.join(dir, 'keys.json'));
    return { keys: new IdpKeys({ dir, clock: Date.now }), dir };
  }

  it('the remembered signing key follows a rotation through the issuer at once', async () => {
    const { keys } = await keysIn();
    const first = await keys.keystore.signingKey('RS256');
    expect((await keys.keystore.signingKey('RS256')).record.kid).toBe(first.record.kid);
    const { activated } = await keys.rotate({ alg: 'RS256' });
    const after = await keys.keystore.signingKey('RS256');
    expect(after.record.kid).toBe(activated!.kid);
    expect(after.record.kid).not.toBe(first.record.kid);
  });

  it('the remembered signing key follows a rotation by another process within the check interval', async () => {
    const { keys, dir } = await keysIn();
    const first = await keys.keystore.signingKey('RS256');
    const { activated } = await new Keystore({ dir }).rotate({ alg: 'RS256', dropOld: true });
    let kid = first.record.kid;
    for (const deadline = Date.now() + 5_000; kid !== activated!.kid && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      kid = (await keys.keystore.signingKey('RS256')).record.kid;
    }
    expect(kid).toBe(activated!.kid);
  });

  it('an unknown kid is still refused, and the refusal is not remembered as a key', async () => {
    const { keys } = await keysIn();
    await keys.keystore.signingKey('RS256');
    for (let i = 0; i < 2; i++)
      await expect(keys.keystore.signingKey('RS256', { kid: 'nope' })).rejects.toMatchObject({
        code: 'ERR_UNKNOWN_KID',
      });
  });

  it('memoized: one call per distinct argument, bounded, and a throw is not remembered', () => {
    const calls: string[] = [];
    const upper = memoized((s: string) => {
      calls.push(s);
      if (s === 'bad') throw new Error('bad');
      return s.toUpperCase();
    }, 2);
    expect([upper('a'), upper('a'), upper('b')]).toEqual(['A', 'A', 'B']);
    expect(calls).toEqual(['a', 'b']);
    expect(() => upper('bad')).toThrow('bad');
    expect(() => upper('bad')).toThrow('bad');
    upper('c'); // past the bound: the map starts afresh
    upper('a');
    expect(calls).toEqual(['a', 'b', 'bad', 'bad', 'c', 'a']);
  });
});
