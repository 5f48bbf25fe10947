import { copyFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  // Node 24 deprecates KeyObject.from() of a non-extractable CryptoKey (DEP0204): a warning on the
  // stderr of every probe run, which the probe tests see when the suite runs on Node 24. Node warns
  // once per process, so the spy below checks the cause on every Node: no such key reaches it.
  afterEach(() => vi.restoreAllMocks());
  const nonExtractableToKeyObject = () => {
    const from = vi.spyOn(KeyObject, 'from');
    return () => from.mock.calls.filter(([key]) => !(key as CryptoKey).extractable).length;
  };
  const warningsWhile = async (fn: () => Promise<unknown>) => {
    const seen: string[] = [];
    const listener = (w: Error & { code?: string }) => seen.push(w.code ?? w.name);
    process.on('warning', listener);
    try {
      await fn();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', listener);
    }
    return seen;
  };
  const forgeWith = async (attackerKey: Awaited<ReturnType<typeof attackerKeyFor>>) => {
    const { token } = await mintToken({
      keystore: new Keystore({ dir: tempDir() }),
      alg: attackerKey.alg,
      subject: 'x',
      defect: { kind: 'unknown-kid' },
      attackerKey,
    });
    const { importJWK } = await import('jose');
    const { protectedHeader } = await compactVerify(
      token,
      await importJWK(attackerKey.publicJwk, attackerKey.alg),
    );
    return protectedHeader;
  };

  it('a key read back from its file (a later run) signs forgeries with no deprecation warning', async () => {
    const first = tempDir();
    await attackerKeyFor('PS256', first);
    const later = tempDir();
    copyFileSync(path.join(first, ATTACKER_KEY_FILE), path.join(later, ATTACKER_KEY_FILE));
    const stored = await attackerKeyFor('PS256', later);
    // A node:crypto key, not WebCrypto's: a run with a stored key loads no WebCrypto.
    expect(stored.privateKey).toBeInstanceOf(KeyObject);
    const misuses = nonExtractableToKeyObject();
    const warnings = await warningsWhile(async () =>
      expect((await forgeWith(stored)).alg).toBe('PS256'),
    );
    expect(warnings).not.toContain('DEP0204');
    expect(misuses()).toBe(0);
  });

  it("an API caller's non-extractable attacker key signs too (through jose), with no warning", async () => {
    const { exportJWK, generateKeyPair } = await import('jose');
    const pair = await generateKeyPair('ES256', { extractable: false });
    expect(pair.privateKey.extractable).toBe(false);
    const attackerKey = {
      alg: 'ES256' as const,
      privateKey: pair.privateKey,
      publicJwk: { ...(await exportJWK(pair.publicKey)), alg: 'ES256', kid: 'caller' },
    };
    const misuses = nonExtractableToKeyObject();
    const warnings = await warningsWhile(async () =>
      expect((await forgeWith(attackerKey)).alg).toBe('ES256'),
    );
    expect(warnings).not.toContain('DEP0204');
    expect(misuses()).toBe(0);
  });
});
