import type { CheckContext } from '../context.js';
import {
  checkPlaceholders,
  pick,
  checkIssuerUrl,
  checkSecret,
  checkUnknownKeys,
  envFlag,
} from '../common.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from './types.js';

const KEYCLOAK = [
  'KEYCLOAK_BASE_URL',
  'KEYCLOAK_ACCESS_CLIENT_ID',
  'KEYCLOAK_ACCESS_CLIENT_SECRET',
];
const KEYS = ['K3_AUTH_ENABLED', ...KEYCLOAK];

/** K3: auth switch and the Keycloak settings SigV4 needs (seed 004). */
export const k3: ProfileChecker = {
  detect(document: ConfigDocument): number {
    if (document.kind !== 'env') return 0;
    return (
      Object.keys(document.data).filter((k) => KEYS.includes(k) || k.startsWith('K3_')).length * 2
    );
  },

  check(ctx: CheckContext): OnlineCheck[] {
    const vars = ctx.document.data as Record<string, string>;
    const family = Object.fromEntries(
      Object.entries(vars).filter(([k]) => k.startsWith('KEYCLOAK_') || k.startsWith('K3_AUTH')),
    );
    checkUnknownKeys(ctx, family, KEYS, []);
    checkPlaceholders(ctx, pick(vars, ['KEYCLOAK_BASE_URL', 'KEYCLOAK_ACCESS_CLIENT_ID']), []);
    const enabled = envFlag(ctx, vars, 'K3_AUTH_ENABLED');
    if (enabled === false || (enabled === undefined && !('K3_AUTH_ENABLED' in vars))) {
      ctx.report('auth/disabled', 'K3_AUTH_ENABLED' in vars ? ['K3_AUTH_ENABLED'] : [], {
        at: 'value',
        message: `${'K3_AUTH_ENABLED' in vars ? 'K3_AUTH_ENABLED=false' : 'K3_AUTH_ENABLED is unset'}: auth middleware passes every request through and trusts caller tenant headers`,
        fix: 'K3_AUTH_ENABLED=true',
      });
    }
    const present = KEYCLOAK.filter((k) => vars[k]);
    if (present.length > 0 && present.length < KEYCLOAK.length) {
      const missing = KEYCLOAK.filter((k) => !vars[k]);
      ctx.report('k3/keycloak-incomplete', [present[0]!], {
        message: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: SigV4 secret resolution through Keycloak will fail`,
        fix: `set ${missing.join(', ')}`,
      });
    } else if (present.length === 0 && enabled) {
      ctx.report('k3/sigv4-unconfigured', ['K3_AUTH_ENABLED'], {
        message: 'no KEYCLOAK_* settings: bearer auth works but SigV4 requests will fail',
        fix: 'set KEYCLOAK_BASE_URL, KEYCLOAK_ACCESS_CLIENT_ID and KEYCLOAK_ACCESS_CLIENT_SECRET',
      });
    }
    if (vars.KEYCLOAK_BASE_URL)
      checkIssuerUrl(ctx, ['KEYCLOAK_BASE_URL'], vars.KEYCLOAK_BASE_URL, 'KEYCLOAK_BASE_URL');
    if (vars.KEYCLOAK_ACCESS_CLIENT_SECRET)
      checkSecret(
        ctx,
        ['KEYCLOAK_ACCESS_CLIENT_SECRET'],
        'KEYCLOAK_ACCESS_CLIENT_SECRET',
        vars.KEYCLOAK_ACCESS_CLIENT_SECRET,
        undefined,
      );
    return [];
  },
};
