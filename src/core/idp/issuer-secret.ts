// Symmetric secrets derived from the issuer's signing keys (HKDF-SHA256, one label per use): every
// replica that shares the keystore derives the same ones, so DPoP nonces and opaque access tokens
// need no shared table. A key rotation changes the active secret; older keys still in the keyring
// (grace) keep theirs until they leave it.
import { hkdfSync } from 'node:crypto';
import type { KeyRecord } from '../keys/keyring.js';
import { keysOf } from './keys-of.js';
import type { IdpDeps, IssuerContext } from './types.js';

export type SecretLabel = 'dpop-nonce' | 'opaque-token';

// The private JWK of a record never changes: one derivation per key, label and process.
const derived = new WeakMap<KeyRecord, Map<SecretLabel, Buffer>>();

function derive(record: KeyRecord, label: SecretLabel): Buffer {
  let byLabel = derived.get(record);
  if (!byLabel) derived.set(record, (byLabel = new Map()));
  let secret = byLabel.get(label);
  if (!secret) {
    const ikm = Buffer.from(JSON.stringify(record.privateJwk));
    secret = Buffer.from(hkdfSync('sha256', ikm, 'authctl idp', `authctl ${label} v1`, 32));
    byLabel.set(label, secret);
  }
  return secret;
}

/** The secret of the issuer's active key for its alg (created with the key if there is none yet). */
export async function activeSecret(
  deps: IdpDeps,
  issuer: IssuerContext,
  label: SecretLabel,
): Promise<{ kid: string; secret: Buffer }> {
  const { record } = await keysOf(deps, issuer).keystore.signingKey(issuer.alg);
  return { kid: record.kid, secret: derive(record, label) };
}

/** The secret of a key still in the keyring (active, published or grace), by kid. */
export async function secretOf(
  deps: IdpDeps,
  issuer: IssuerContext,
  kid: string,
  label: SecretLabel,
): Promise<Buffer | undefined> {
  const ring = await keysOf(deps, issuer).keystore.read();
  const record = ring.keys.find((key) => key.kid === kid && key.status !== 'retired');
  return record ? derive(record, label) : undefined;
}
