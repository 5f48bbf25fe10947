import type { CheckContext } from '../context.js';
import { checkPlaceholders, checkUnknownKeys, envFlag, isHeaderName } from '../common.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from './types.js';

const KEYS = [
  'DEV_AUTH_ENABLED',
  'DEV_AUTH_TENANT_HEADER',
  'JWT_AUTH_ENABLED',
  'AUTH_TENANT_CLAIMS',
  'AUTH_ROLE_CLAIMS',
  'AUTH_VIEWER_ROLE',
  'AUTH_OPERATOR_ROLE',
  'AUTH_ADMIN_ROLE',
  'API_KEY_ENABLED',
  'API_KEY_HEADER',
];
/** Only variables in recsys' own namespaces are checked for typos; the rest of a .env is not ours. */
const FAMILY = /^(DEV_AUTH_|JWT_AUTH_|AUTH_|API_KEY_)/;
const ROLES = ['AUTH_VIEWER_ROLE', 'AUTH_OPERATOR_ROLE', 'AUTH_ADMIN_ROLE'] as const;

/** recsys-service: environment variables for dev headers, JWT and API keys (seed 000). */
export const recsys: ProfileChecker = {
  detect(document: ConfigDocument): number {
    if (document.kind !== 'env') return 0;
    return Object.keys(document.data).filter((k) => KEYS.includes(k)).length * 2;
  },

  check(ctx: CheckContext): OnlineCheck[] {
    const vars = ctx.document.data as Record<string, string>;
    const family = Object.fromEntries(
      Object.entries(vars).filter(([k]) => FAMILY.test(k) && !k.startsWith('AUTH_SIGNING_')),
    );
    checkUnknownKeys(ctx, family, KEYS, []);
    checkPlaceholders(ctx, family, []);
    const dev = envFlag(ctx, vars, 'DEV_AUTH_ENABLED');
    const jwt = envFlag(ctx, vars, 'JWT_AUTH_ENABLED');
    const apiKey = envFlag(ctx, vars, 'API_KEY_ENABLED');
    if (dev) {
      ctx.report('auth/dev-headers-enabled', ['DEV_AUTH_ENABLED'], {
        at: 'value',
        message:
          'DEV_AUTH_ENABLED=true: any caller can pick a user and tenant with X-Dev-User-Id / X-Dev-Org-Id',
        fix: 'set DEV_AUTH_ENABLED=false outside local development',
      });
    }
    if (!jwt && !apiKey && !dev) {
      ctx.report('auth/disabled', 'JWT_AUTH_ENABLED' in vars ? ['JWT_AUTH_ENABLED'] : [], {
        at: 'value',
        message:
          'no auth mode is enabled (JWT_AUTH_ENABLED, API_KEY_ENABLED and DEV_AUTH_ENABLED are all off)',
        fix: 'set JWT_AUTH_ENABLED=true and/or API_KEY_ENABLED=true',
      });
    }
    if (jwt) {
      if (!vars.AUTH_TENANT_CLAIMS?.trim()) {
        ctx.report(
          'recsys/tenant-claims-missing',
          'AUTH_TENANT_CLAIMS' in vars ? ['AUTH_TENANT_CLAIMS'] : ['JWT_AUTH_ENABLED'],
          {
            at: 'value',
            message:
              'JWT auth is on but AUTH_TENANT_CLAIMS is empty, so tenant scope falls back to the X-Org-Id header',
            fix: 'set AUTH_TENANT_CLAIMS=tenant_id (comma-separated claim keys)',
          },
        );
      }
    }
    for (const name of ['AUTH_TENANT_CLAIMS', 'AUTH_ROLE_CLAIMS']) {
      const raw = vars[name];
      if (!raw?.trim()) continue;
      const entries = raw.split(',');
      if (entries.some((e) => e.trim() === '' || e !== e.trim())) {
        ctx.report('recsys/empty-claim-entry', [name], {
          at: 'value',
          message: `${name}="${raw}" has empty or space-padded entries`,
          fix: `${name}=${entries
            .map((e) => e.trim())
            .filter(Boolean)
            .join(',')}`,
        });
      }
    }
    const seen = new Map<string, string>();
    for (const name of ROLES) {
      const role = vars[name];
      if (role === undefined) continue;
      if (role.trim() === '') {
        ctx.report('recsys/role-empty', [name], {
          at: 'value',
          message: `${name} is empty`,
          fix: `set ${name} to the role name, e.g. ${name.split('_')[1]!.toLowerCase()}`,
        });
        continue;
      }
      const other = seen.get(role);
      if (other) {
        ctx.report('recsys/role-collision', [name], {
          at: 'value',
          message: `${name}="${role}" is the same role as ${other}: the two levels cannot be told apart`,
          fix: `give ${name} its own role name`,
        });
      } else seen.set(role, name);
    }
    for (const name of ['API_KEY_HEADER', 'DEV_AUTH_TENANT_HEADER']) {
      const header = vars[name];
      if (header === undefined) continue;
      if (!isHeaderName(header)) {
        ctx.report('auth/invalid-header-name', [name], {
          at: 'value',
          message: `${name}="${header}" is not a valid HTTP header name`,
          fix: `e.g. ${name}=${name === 'API_KEY_HEADER' ? 'X-API-Key' : 'X-Org-Id'}`,
        });
      }
    }
    if (apiKey && jwt && vars.API_KEY_HEADER?.toLowerCase() === 'authorization') {
      ctx.report('recsys/api-key-header-conflict', ['API_KEY_HEADER'], {
        at: 'value',
        message: 'API_KEY_HEADER=Authorization collides with JWT bearer tokens',
        fix: 'API_KEY_HEADER=X-API-Key',
      });
    }
    if (dev === false && vars.DEV_AUTH_TENANT_HEADER !== undefined) {
      ctx.report('recsys/dev-tenant-header-unused', ['DEV_AUTH_TENANT_HEADER'], {
        message: 'DEV_AUTH_TENANT_HEADER has no effect while DEV_AUTH_ENABLED=false',
        fix: 'remove it from this environment',
      });
    }
    return [];
  },
};
