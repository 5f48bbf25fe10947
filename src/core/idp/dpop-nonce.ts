// DPoP nonces (RFC 9449 §8) without state: the minute on the issuer clock and its HMAC under a
// secret derived from the issuer's signing key, so every replica sharing the keystore hands out and
// accepts the same nonces. A nonce is handed out for a minute and accepted for five.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { activeSecret } from './issuer-secret.js';
import type { IdpDeps, IssuerContext } from './types.js';

const STEP_MS = 60_000;
/** How many steps (minutes) a nonce stays acceptable, the current one included. */
const STEPS_VALID = 5;

function mac(secret: Buffer, issuer: IssuerContext, step: number): Buffer {
  return createHmac('sha256', secret).update(`${issuer.url}\n${step}`).digest().subarray(0, 18);
}

/** The nonce to hand out now. */
export async function currentNonce(deps: IdpDeps, issuer: IssuerContext): Promise<string> {
  const step = Math.floor(deps.clock.now() / STEP_MS);
  const { secret } = await activeSecret(deps, issuer, 'dpop-nonce');
  return `${step.toString(36)}.${mac(secret, issuer, step).toString('base64url')}`;
}

/** Whether a proof's nonce is one this issuer handed out in the last few minutes. */
export async function nonceValid(
  deps: IdpDeps,
  issuer: IssuerContext,
  nonce: string,
): Promise<boolean> {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{24})$/.exec(nonce);
  if (!match) return false;
  const step = parseInt(match[1]!, 36);
  const age = Math.floor(deps.clock.now() / STEP_MS) - step;
  if (age < 0 || age >= STEPS_VALID) return false;
  const { secret } = await activeSecret(deps, issuer, 'dpop-nonce');
  return timingSafeEqual(Buffer.from(match[2]!, 'base64url'), mac(secret, issuer, step));
}
