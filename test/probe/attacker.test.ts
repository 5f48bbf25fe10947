import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { ATTACKER_KEY_FILE, attackerKeyFor } from '../../src/core/probe/attacker.js';
import { mintToken } from '../../src/core/token/mint.js';
import { tempDir } from '../helpers/cli.js';

describe('probe attacker key', () => {
  it('is generated once, stored 0600 beside the keystore, and reused by a later run', async () => {
    const dir = tempDir();
    const first = await attackerKeyFor('RS256', dir);
    const file = path.join(dir, ATTACKER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What a later process reads back.
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.RS256.publicJwk.kid).toBe(first.publicJwk.kid);
    expect(stored.RS256.privateJwk.d).toBeTypeOf('string');
    const again = await attackerKeyFor('RS256', dir);
    expect(again.publicJwk.kid).toBe(first.publicJwk.kid);
    const es = await attackerKeyFor('ES256', dir);
    expect(es.alg).toBe('ES256');
    expect(es.publicJwk.kid).not.toBe(first.publicJwk.kid);
  });

  it('mintToken uses the given attacker key for unknown-kid (one key serves every forgery)', async () => {
    const dir = tempDir();
    const attackerKey = await attackerKeyFor('ES256', dir);
    const { token, header } = await mintToken({
      keystore: new Keystore({ dir }),
      alg: 'ES256',
      subject: 'x',
      defect: { kind: 'unknown-kid' },
      attackerKey,
    });
    expect(header.kid).not.toBe(attackerKey.publicJwk.kid);
    const { importJWK } = await import('jose');
    await expect(
      compactVerify(token, await importJWK(attackerKey.publicJwk, 'ES256')),
    ).resolves.toBeTruthy();
  });
});
