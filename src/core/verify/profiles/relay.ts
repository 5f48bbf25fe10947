import type { CheckContext } from '../context.js';
import {
  checkPlaceholders,
  pick,
  checkIssuerUrl,
  checkSecret,
  envFlag,
  looksLikePlaceholder,
} from '../common.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from './types.js';

const KEYS = [
  'JWT_SIGNING_KEY',
  'JWT_AUDIENCE',
  'JWT_ISSUER',
  'SESSION_STORE_BACKEND',
  'ADMIN_PASSWORD',
  'AUTH_SIGNING_METRICS_ENABLED',
];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Relay: JWT signing key, audience, issuer, session store and admin bootstrap (seed 002). */
export const relay: ProfileChecker = {
  detect(document: ConfigDocument): number {
    if (document.kind !== 'env') return 0;
    return Object.keys(document.data).filter((k) => KEYS.includes(k)).length * 2;
  },

  check(ctx: CheckContext): OnlineCheck[] {
    const vars = ctx.document.data as Record<string, string>;
    checkPlaceholders(ctx, pick(vars, ['JWT_AUDIENCE', 'JWT_ISSUER']), []);
    const key = vars.JWT_SIGNING_KEY;
    if (key === undefined || key === '') {
      ctx.report('relay/signing-key-missing', key === undefined ? [] : ['JWT_SIGNING_KEY'], {
        at: 'value',
        message: 'JWT_SIGNING_KEY is required',
        fix: 'JWT_SIGNING_KEY=$(openssl rand -base64 48)',
      });
    } else if (looksLikePlaceholder(key)) {
      checkSecret(ctx, ['JWT_SIGNING_KEY'], 'JWT_SIGNING_KEY', key, undefined);
    } else if (!BASE64.test(key) && !BASE64URL.test(key)) {
      ctx.report('relay/signing-key-not-base64', ['JWT_SIGNING_KEY'], {
        at: 'value',
        message: 'JWT_SIGNING_KEY is not base64',
        fix: 'encode the key: openssl rand -base64 48',
      });
    } else {
      checkSecret(
        ctx,
        ['JWT_SIGNING_KEY'],
        'JWT_SIGNING_KEY',
        key,
        vars.JWT_ALGORITHM ?? 'HS256',
        Buffer.from(key, BASE64.test(key) ? 'base64' : 'base64url').length,
      );
    }
    if (!vars.JWT_AUDIENCE) {
      ctx.report('relay/audience-missing', 'JWT_AUDIENCE' in vars ? ['JWT_AUDIENCE'] : [], {
        at: 'value',
        message: 'JWT_AUDIENCE is not set: tokens are not bound to this deployment',
        fix: 'JWT_AUDIENCE=api://relay-<tenant>',
      });
    }
    if (!vars.JWT_ISSUER) {
      ctx.report('relay/issuer-missing', 'JWT_ISSUER' in vars ? ['JWT_ISSUER'] : [], {
        at: 'value',
        message: 'JWT_ISSUER is not set',
        fix: 'JWT_ISSUER=https://relay.example.com',
      });
    } else checkIssuerUrl(ctx, ['JWT_ISSUER'], vars.JWT_ISSUER, 'JWT_ISSUER');
    const store = vars.SESSION_STORE_BACKEND;
    if (store !== undefined && store !== 'redis' && store !== 'memory') {
      ctx.report('config/invalid-value', ['SESSION_STORE_BACKEND'], {
        at: 'value',
        message: `SESSION_STORE_BACKEND="${store}" must be redis or memory`,
        fix: 'SESSION_STORE_BACKEND=redis',
      });
    } else if (store === undefined || store === 'memory') {
      ctx.report(
        'relay/memory-session-store',
        store === undefined ? [] : ['SESSION_STORE_BACKEND'],
        {
          at: 'value',
          message: `${store === undefined ? 'SESSION_STORE_BACKEND is unset (memory)' : 'SESSION_STORE_BACKEND=memory'}: sessions and revocations are per process and lost on restart`,
          fix: 'SESSION_STORE_BACKEND=redis',
        },
      );
    }
    const password = vars.ADMIN_PASSWORD;
    if (password === undefined || password === '') {
      ctx.report('relay/admin-password-missing', password === undefined ? [] : ['ADMIN_PASSWORD'], {
        at: 'value',
        message: 'ADMIN_PASSWORD is not set',
        fix: 'set ADMIN_PASSWORD from your secret manager',
      });
    } else if (looksLikePlaceholder(password)) {
      checkSecret(ctx, ['ADMIN_PASSWORD'], 'ADMIN_PASSWORD', password, undefined);
    } else if (password.length < 12) {
      ctx.report('relay/weak-admin-password', ['ADMIN_PASSWORD'], {
        at: 'value',
        message: `ADMIN_PASSWORD is ${password.length} characters`,
        fix: 'use 12 or more random characters',
      });
    }
    envFlag(ctx, vars, 'AUTH_SIGNING_METRICS_ENABLED');
    return [];
  },
};
