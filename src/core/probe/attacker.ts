import path from 'node:path';
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { readFileBytes } from '../node.js';
import type { JWTAlgorithm } from '../keys/algorithms.js';
import { generateAttackerKey, type AttackerKey } from '../token/forge.js';

/** Kept beside the keystore; an attacker key is trusted by nobody, so reusing it across runs is safe. */
export const ATTACKER_KEY_FILE = 'probe-attacker-keys.json';

const memo = new Map<string, Promise<AttackerKey>>();

/**
 * The attacker key for forgeries (unknown kid, embedded jwk, jku) of algorithm `alg`. Generating
 * an RSA key costs 50-600 ms, more than the rest of a probe run, so it is made once and cached
 * in `<dir>/probe-attacker-keys.json` (0600) and in memory.
 */
export function attackerKeyFor(alg: JWTAlgorithm, dir?: string): Promise<AttackerKey> {
  const id = `${dir ?? ''}\u0000${alg}`;
  let hit = memo.get(id);
  if (!hit) {
    hit = load(alg, dir).catch((error) => {
      memo.delete(id);
      throw error;
    });
    memo.set(id, hit);
  }
  return hit;
}

async function load(alg: JWTAlgorithm, dir?: string): Promise<AttackerKey> {
  if (!dir) return generateAttackerKey(alg);
  const file = path.join(dir, ATTACKER_KEY_FILE);
  let stored: Record<string, { privateJwk: JWK; publicJwk: JWK; alg: JWTAlgorithm }>;
  try {
    stored = JSON.parse((await readFileBytes(file)).toString('utf8'));
    const entry = stored[alg];
    if (entry)
      return {
        alg: entry.alg,
        publicJwk: entry.publicJwk,
        privateKey: importPrivateJwk(entry.privateJwk),
      };
  } catch {
    stored = {}; // missing or unreadable: make a new one
  }
  const key = await generateAttackerKey(alg);
  try {
    await ensurePrivateDir(dir);
    const { exportJWK } = await import('jose'); // loaded by generateAttackerKey already
    stored[alg] = {
      alg: key.alg,
      publicJwk: key.publicJwk,
      privateJwk: await exportJWK(key.privateKey),
    };
    await writeFileAtomic(file, `${JSON.stringify(stored)}\n`);
  } catch {
    // A read-only home only costs the next run another key generation.
  }
  return key;
}

/**
 * The stored private JWK as a node:crypto KeyObject, which forge.ts signs with: a probe run with a
 * stored key then loads neither jose nor WebCrypto (issue #17: WebCrypto's modules and the import
 * were ~2 ms of every run's start-up).
 */
function importPrivateJwk(jwk: JWK): KeyObject {
  const { alg: _alg, use: _use, ...keyData } = jwk;
  return createPrivateKey({ key: keyData as JsonWebKey, format: 'jwk' });
}
