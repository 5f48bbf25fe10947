import path from 'node:path';
import { closest } from '../../suggest.js';
import type { CheckContext } from '../context.js';
import { checkSecret, checkUnknownKeys, typeOf } from '../common.js';
import type { ConfigDocument } from '../document.js';
import { parseEnv } from '../locate/env.js';
import type { OnlineCheck, ProfileChecker, ProfileDeps } from './types.js';

const KEYS = [
  'agent',
  'env',
  'auth',
  'authorization',
  'checkpointer',
  'store',
  'redis',
  'thread_name_generator',
  'injectq',
];
const IMPORT_PATH = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;
const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
];
const ENV_KEYS = ['JWT_SECRET_KEY', 'JWT_ALGORITHM'];

/** agentflow: `agentflow.json` (auth, authorization) and the `.env` it names (seed 003). */
export const agentflow: ProfileChecker = {
  detect(document: ConfigDocument): number {
    if (document.kind === 'json') {
      if (path.basename(document.file) === 'agentflow.json') return 5;
      return 'agent' in document.data
        ? 3
        : 'auth' in document.data && !('token' in document.data)
          ? 1
          : 0;
    }
    if (document.kind === 'env') return ENV_KEYS.filter((k) => k in document.data).length;
    return 0;
  },

  async check(ctx: CheckContext, deps: ProfileDeps): Promise<OnlineCheck[]> {
    if (ctx.document.kind === 'env') {
      checkJwtEnv(ctx, ctx.document.data as Record<string, string>, true);
      return [];
    }
    const data = ctx.document.data;
    checkUnknownKeys(ctx, data, KEYS, [], true);
    const auth = data.auth;
    let jwt = false;
    if (auth === null || auth === undefined) {
      ctx.report('auth/disabled', 'auth' in data ? ['auth'] : [], {
        at: 'value',
        message: '"auth" is null: every graph route is anonymous',
        fix: 'set "auth": "jwt" (with JWT_SECRET_KEY in .env) or a custom backend',
      });
    } else if (typeof auth === 'string') {
      if (auth === 'jwt') jwt = true;
      else {
        const suggestion = closest(auth, ['jwt']);
        ctx.report('agentflow/invalid-auth', ['auth'], {
          at: 'value',
          message: `"auth": "${auth}" is not a method${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
          fix: 'use "jwt", or {"method": "custom", "path": "module:Class"}',
        });
      }
    } else if (typeOf(auth) === 'object') {
      const custom = auth as Record<string, unknown>;
      checkUnknownKeys(ctx, custom, ['method', 'path'], ['auth']);
      if (custom.method !== 'custom') {
        ctx.report('agentflow/invalid-auth', 'method' in custom ? ['auth', 'method'] : ['auth'], {
          at: 'value',
          message: `auth.method must be "custom" (got ${JSON.stringify(custom.method ?? null)})`,
          fix: 'set "method": "custom", or use "auth": "jwt"',
        });
      }
      checkImportPath(ctx, custom.path, ['auth', 'path'], 'auth.path', 'graph.auth:ApiKeyAuth');
    } else {
      ctx.report('agentflow/invalid-auth', ['auth'], {
        at: 'value',
        message: `"auth" must be null, "jwt" or an object, got ${typeOf(auth)}`,
        fix: 'use "jwt"',
      });
    }
    if ('authorization' in data && data.authorization !== null)
      checkImportPath(
        ctx,
        data.authorization,
        ['authorization'],
        'authorization',
        'graph.auth:my_authorization_backend',
      );
    if ('agent' in data) checkImportPath(ctx, data.agent, ['agent'], 'agent', 'graph.react:app');

    const vars: Record<string, string> = {};
    let envChecked = false;
    if ('env' in data && data.env !== null) {
      if (typeof data.env !== 'string') {
        ctx.report('config/invalid-type', ['env'], {
          at: 'value',
          message: '"env" must be a path string or null',
          fix: '"env": ".env"',
        });
      } else {
        const envFile = path.resolve(ctx.document.dir ?? '.', data.env);
        const text = await deps.readFile(envFile);
        if (text === undefined) {
          ctx.report('agentflow/env-file-missing', ['env'], {
            at: 'value',
            message: `env file "${data.env}" does not exist`,
            fix: `create ${data.env} with JWT_SECRET_KEY and JWT_ALGORITHM, or fix the path`,
          });
        } else if (jwt) {
          // Check the referenced .env with its own positions, as its own document.
          const shown = path.join(path.dirname(ctx.document.file), data.env);
          const env = parseEnv(text);
          Object.assign(vars, env.vars);
          const sub = ctx.sub({
            file: shown,
            kind: 'env',
            data: env.vars,
            map: env.map,
            dir: path.dirname(shown),
          });
          checkJwtEnv(sub, { ...env.vars, ...deps.extraEnv, ...pickEnv(deps.env) }, true, ctx);
          envChecked = true;
        }
      }
    }
    if (jwt && !envChecked) {
      const merged = { ...deps.extraEnv, ...pickEnv(deps.env) };
      // --env-file and --from-env sources are checked as documents of their own; only presence matters here.
      if (!merged.JWT_SECRET_KEY) {
        ctx.report('agentflow/jwt-secret-missing', ['auth'], {
          at: 'value',
          message: '"auth": "jwt" but JWT_SECRET_KEY is not set anywhere',
          fix: 'add "env": ".env" with JWT_SECRET_KEY, or pass --env-file / --from-env',
        });
      }
    }
    return [];
  },
};

function pickEnv(env: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ENV_KEYS) if (env?.[key] !== undefined) out[key] = env[key]!;
  return out;
}

function checkImportPath(
  ctx: CheckContext,
  value: unknown,
  keyPath: string[],
  label: string,
  example: string,
): void {
  if (typeof value === 'string' && IMPORT_PATH.test(value)) return;
  ctx.report('agentflow/invalid-import-path', keyPath, {
    at: 'value',
    message: `${label} ${JSON.stringify(value ?? null)} is not an import path of the form module.sub:Name`,
    fix: `e.g. "${example}"`,
  });
}

/** JWT_SECRET_KEY / JWT_ALGORITHM, in the .env (positions) or merged from elsewhere. */
function checkJwtEnv(
  ctx: CheckContext,
  vars: Record<string, string>,
  requireSecret: boolean,
  parent?: CheckContext,
): void {
  const alg = vars.JWT_ALGORITHM;
  if (alg === undefined) {
    ctx.report('agentflow/jwt-algorithm-missing', [], {
      message: 'JWT_ALGORITHM is not set',
      fix: 'set JWT_ALGORITHM=HS256 (the algorithm your issuer signs with)',
    });
  } else if (!JWT_ALGORITHMS.includes(alg)) {
    const suggestion = closest(alg, JWT_ALGORITHMS);
    ctx.report('auth/algorithm-not-allowed', ['JWT_ALGORITHM'], {
      at: 'value',
      message: `JWT_ALGORITHM="${alg}" is not a JWS algorithm${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion ? `JWT_ALGORITHM=${suggestion}` : 'JWT_ALGORITHM=HS256',
    });
  }
  checkServerEnv(ctx, vars);
  const secret = vars.JWT_SECRET_KEY;
  if (secret === undefined || secret === '') {
    if (requireSecret)
      (parent ?? ctx).report(
        'agentflow/jwt-secret-missing',
        secret === undefined ? (parent ? ['env'] : []) : ['JWT_SECRET_KEY'],
        {
          at: 'value',
          message: 'JWT_SECRET_KEY is not set (or empty)',
          fix: 'JWT_SECRET_KEY=$(openssl rand -base64 48)',
        },
      );
    return;
  }
  const pem = /-----BEGIN [A-Z ]*KEY-----/.test(secret);
  const hmac = /^HS\d+$/.test(alg ?? 'HS256');
  if (alg && JWT_ALGORITHMS.includes(alg) && pem === hmac) {
    ctx.report('agentflow/key-algorithm-mismatch', ['JWT_SECRET_KEY'], {
      at: 'value',
      message: hmac
        ? `JWT_SECRET_KEY is a PEM key but JWT_ALGORITHM=${alg} is HMAC: every RS/ES token is rejected, and the key is used as an HMAC secret`
        : `JWT_ALGORITHM=${alg} needs a PEM public key in JWT_SECRET_KEY, not a shared secret: valid tokens are rejected`,
      fix: hmac
        ? 'set JWT_ALGORITHM to the algorithm of the key (e.g. RS256)'
        : "put the issuer's PEM public key in JWT_SECRET_KEY, or use HS256 with a shared secret",
    });
    return;
  }
  if (!pem) checkSecret(ctx, ['JWT_SECRET_KEY'], 'JWT_SECRET_KEY', secret, alg ?? 'HS256');
}

/** agentflow_cli settings that widen exposure: DOCS_PATH / REDOCS_PATH and ORIGINS. */
function checkServerEnv(ctx: CheckContext, vars: Record<string, string>): void {
  for (const name of ['DOCS_PATH', 'REDOCS_PATH']) {
    if (vars[name]?.trim()) {
      ctx.report('auth/public-docs', [name], {
        at: 'value',
        message: `${name}=${vars[name]} serves interactive API docs`,
        fix: `leave ${name} empty on public deployments unless the docs are meant to be exposed`,
      });
    }
  }
  if (vars.ORIGINS?.split(',').some((o) => o.trim() === '*')) {
    ctx.report('auth/cors-wildcard', ['ORIGINS'], {
      at: 'value',
      message: "ORIGINS=* lets any web page call the API with a user's token",
      fix: 'ORIGINS=https://app.example.com (the front-ends that call the API)',
    });
  }
}
