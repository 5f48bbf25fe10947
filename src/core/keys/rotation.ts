import { usageError } from '../errors.js';
import type { JWTAlgorithm } from './algorithms.js';
import type { Keyring, KeyRecord, KeyStatus } from './keyring.js';

export interface RotateKeysOptions {
  alg: JWTAlgorithm;
  /** Seconds the old key stays in the JWKS (default 24 h). */
  graceSeconds?: number;
  /** Drop the old key from the JWKS at once. */
  dropOld?: boolean;
  /** Staged rotation: `publish` a new key, `activate` it, `retire` the grace keys. Default: all in one step. */
  stage?: 'all' | 'publish' | 'activate' | 'retire';
  rsaBits?: number;
}

export interface RotateKeysResult {
  activated?: KeyRecord;
  published?: KeyRecord;
  demoted: KeyRecord[];
  retired: KeyRecord[];
}

export const DEFAULT_GRACE_SECONDS = 24 * 3600;

interface RotationContext {
  /** Milliseconds since epoch. */
  now: number;
  /** The new key of the rotated algorithm, with the status newKeyStatus() named (publish, all). */
  fresh?: KeyRecord;
}

/**
 * The status of the key a rotation stage adds, if it adds one: the keystore generates it before
 * taking its lock (an RSA key can take seconds, and every other writer waits on the lock).
 */
export function newKeyStatus(options: RotateKeysOptions): KeyStatus | undefined {
  const stage = options.stage ?? 'all';
  return stage === 'publish' ? 'published' : stage === 'all' ? 'active' : undefined;
}

/** Applies one rotation stage to the ring in place (the keystore writes it under its lock). */
export function applyRotation(
  ring: Keyring,
  options: RotateKeysOptions,
  { now, fresh }: RotationContext,
): RotateKeysResult {
  const added = () => {
    if (!fresh || fresh.status !== newKeyStatus(options) || fresh.alg !== options.alg)
      throw new Error(`rotation stage ${options.stage ?? 'all'} needs a new ${options.alg} key`);
    ring.keys.push(fresh);
    return fresh;
  };
  const iso = new Date(now).toISOString();
  const graceMs = (options.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  const result: RotateKeysResult = { demoted: [], retired: [] };
  const ofAlg = ring.keys.filter((key) => key.alg === options.alg);
  const demoteActive = () => {
    for (const key of ofAlg.filter((k) => k.status === 'active')) {
      if (options.dropOld)
        Object.assign(key, { status: 'retired', retiredAt: iso, graceUntil: undefined });
      else
        Object.assign(key, { status: 'grace', graceUntil: new Date(now + graceMs).toISOString() });
      result.demoted.push(key);
    }
  };
  const stage = options.stage ?? 'all';
  if (stage === 'publish') {
    result.published = added();
  } else if (stage === 'activate') {
    const next = ofAlg.find((key) => key.status === 'published');
    if (!next) {
      throw usageError(
        'ERR_NOTHING_TO_ACTIVATE',
        `no published ${options.alg} key waiting to be activated`,
        { where: '{{stage}} activate', hint: 'run `authctl keys rotate --stage publish` first' },
      );
    }
    demoteActive();
    Object.assign(next, { status: 'active', activatedAt: iso });
    result.activated = next;
  } else if (stage === 'retire') {
    for (const key of ofAlg.filter((k) => k.status === 'grace')) {
      Object.assign(key, { status: 'retired', retiredAt: iso, graceUntil: undefined });
      result.retired.push(key);
    }
  } else {
    demoteActive();
    result.activated = added();
  }
  return result;
}
