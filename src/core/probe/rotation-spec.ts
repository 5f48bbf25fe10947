import type { ProbeSpecConfig } from './config.js';
import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';
import { closest } from '../suggest.js';

/** `[rotation]` resolved: which issuer to rotate, whose tokens to watch, and the bounds. */
export interface ProbeRotation {
  /** The issuer's URL (its control API is `{origin}/_authctl`). */
  issuer: string;
  issuerId?: string;
  credential: string;
  refreshWithinMs: number;
  retireWithinMs: number;
  graceSeconds: number;
  controlTokenEnv: string;
}

/**
 * Resolves `[rotation]` against the credentials: the credential must be a `jwt` (minted with the
 * issuer's keystore) or an `idp` one, and the issuer comes from its token_url when not given.
 * `where(path)` places an error at its key in the spec.
 */
export function resolveRotation(
  spec: ProbeSpecConfig,
  where: (keyPath: (string | number)[]) => string,
): ProbeRotation | undefined {
  const r = spec.rotation;
  if (!r) return undefined;
  const signed = Object.entries(spec.credentials).filter(
    ([, c]) => c.type === 'jwt' || c.type === 'idp',
  );
  const name = r.credential ?? signed[0]?.[0];
  const cred = name === undefined ? undefined : spec.credentials[name];
  if (!name || !cred || (cred.type !== 'jwt' && cred.type !== 'idp')) {
    const names = signed.map(([n]) => n);
    const suggestion = name ? closest(name, names) : undefined;
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      name
        ? `rotation.credential: "${name}" is not a jwt or idp credential of the spec`
        : 'rotation: needs a jwt or idp credential whose tokens the issuer signs',
      {
        where: where(['rotation', ...(r.credential ? ['credential'] : [])]),
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : names.length
            ? `jwt/idp credentials: ${names.join(', ')}`
            : 'add [credentials.NAME] with type = "idp" (token_url = the issuer\'s /token)',
      },
    );
  }
  const issuer =
    r.issuer ??
    (cred.type === 'idp' ? new URL(cred.token_url).origin : (cred.issuer ?? spec.jwt?.issuer));
  if (!issuer)
    throw usageError('ERR_PROBE_SPEC_INVALID', 'rotation.issuer: no issuer to rotate', {
      where: where(['rotation']),
      hint: 'set issuer = "http://127.0.0.1:9400" (where `authctl idp serve` listens)',
    });
  const refreshWithinMs = parseDuration(r.refresh_within, 'rotation.refresh_within') * 1000;
  return {
    issuer,
    issuerId: r.issuer_id,
    credential: name,
    refreshWithinMs,
    retireWithinMs:
      r.retire_within === undefined
        ? refreshWithinMs
        : parseDuration(r.retire_within, 'rotation.retire_within') * 1000,
    graceSeconds: parseDuration(r.grace, 'rotation.grace'),
    controlTokenEnv: r.control_token_env,
  };
}
