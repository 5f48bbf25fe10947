import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MintTokenOptions } from '../token/mint.js';

/** The examples `authctl demo --example` can run. */
export const DEMO_EXAMPLES = ['datapress', 'recsys', 'relay', 'agentflow', 'k3'] as const;
export type DemoExample = (typeof DEMO_EXAMPLES)[number];

export interface ScenarioContext {
  /** examples/ of the installed package. */
  examples: string;
  /** Scratch directory of this run (configs, key exports). */
  dir: string;
  /** The mock issuer's URL, for examples that verify against it. */
  issuer?: string;
  /** Creates an API key in the demo keystore and writes the service's seed file (authctl apikey export). */
  apiKey?: { key: string; exportFile: string; masked: string; command: string };
}

export interface DemoRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** Everything the demo needs to run one example. */
export interface Scenario {
  name: DemoExample;
  /** One line: how the service authenticates. */
  auth: string;
  needsIssuer: boolean;
  /** API key the service is seeded with before it starts (`authctl apikey create` options). */
  apiKey?: { name: string; scopes: string[]; tenant?: string; prefix?: string };
  /** How to start it (after the issuer and API key exist). */
  service(ctx: ScenarioContext): { args: string[]; env: Record<string, string>; command: string };
  /** The token the demo mints, and the `authctl token mint` flags that produce it. */
  token(ctx: ScenarioContext): { options: Omit<MintTokenOptions, 'keystore'>; flags: string[] };
  /** The call made without, with, and with a forged credential. */
  request: DemoRequest;
  /** Probe: the shipped spec (URLs rewritten), environment, and authctl config file (HS secrets). */
  probe(
    ctx: ScenarioContext,
    serviceUrl: string,
  ): { spec: string; env: Record<string, string>; configFile?: string; envNote?: string };
  /** The shipped authctl.toml (HS secrets) the equivalent commands use, relative to the package. */
  config?: string;
}

const DEFAULT_ISSUER = 'http://127.0.0.1:9400';

/** `KEY=value` lines of an example's .env file. */
export function readDotenv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Copies a shipped file into the run directory with its default URLs replaced. */
function copyWith(source: string, dest: string, replace: Record<string, string>): string {
  let text = readFileSync(source, 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  writeFileSync(dest, text, { mode: 0o600 });
  return dest;
}

const specFor = (ctx: ScenarioContext, name: string, serviceUrl: string, file = 'probe.toml') =>
  copyWith(path.join(ctx.examples, name, file), path.join(ctx.dir, `${name}-${file}`), {
    [DEFAULT_ISSUER]: ctx.issuer ?? DEFAULT_ISSUER,
  });

const datapress: Scenario = {
  name: 'datapress',
  auth: 'OIDC discovery + JWKS of the issuer, read/reload scopes, tenant from /tid (TOML [auth] block)',
  needsIssuer: true,
  service: (ctx) => {
    const config = copyWith(
      path.join(ctx.examples, 'datapress', 'datapress.toml'),
      path.join(ctx.dir, 'datapress.toml'),
      { [DEFAULT_ISSUER]: ctx.issuer! },
    );
    return {
      args: ['--config', config],
      env: { DATAPRESS_ADMIN_TOKEN: randomBytes(24).toString('base64url') },
      command: `PORT=0 node examples/datapress/server.mjs --config ${config}`,
    };
  },
  token: (ctx) => ({
    options: {
      issuer: ctx.issuer,
      subject: 'alice',
      audience: ['api://datapress'],
      scopes: ['datasets:read'],
      tenant: 'tenant-a',
    },
    flags: [
      '--iss',
      ctx.issuer!,
      '--sub',
      'alice',
      '--aud',
      'api://datapress',
      '--scope',
      'datasets:read',
      '--tenant',
      'tenant-a',
    ],
  }),
  request: { method: 'GET', path: '/api/datasets' },
  probe: (ctx, url) => ({ spec: specFor(ctx, 'datapress', url), env: {} }),
};

const recsys: Scenario = {
  name: 'recsys',
  auth: 'JWT (tenant from tenant_id, roles from roles) or X-API-Key; dev headers off (.env.example)',
  needsIssuer: true,
  apiKey: { name: 'demo-ci', scopes: ['operator'], tenant: 'acme' },
  service: (ctx) => {
    const env = {
      ...readDotenv(path.join(ctx.examples, 'recsys', '.env.example')),
      JWT_JWKS_URL: `${ctx.issuer}/jwks`,
      JWT_ISSUER: ctx.issuer!,
      API_KEYS_FILE: ctx.apiKey!.exportFile,
    };
    return {
      args: [],
      env,
      command: `set -a; . examples/recsys/.env.example; set +a; JWT_JWKS_URL=${ctx.issuer}/jwks JWT_ISSUER=${ctx.issuer} API_KEYS_FILE=${ctx.apiKey!.exportFile} PORT=0 node examples/recsys/server.mjs`,
    };
  },
  token: (ctx) => ({
    options: {
      issuer: ctx.issuer,
      subject: 'vera',
      audience: ['recsys'],
      roles: ['viewer'],
      tenant: 'acme',
      mapping: { tenantClaim: '/tenant_id' },
    },
    flags: [
      '--iss',
      ctx.issuer!,
      '--sub',
      'vera',
      '--aud',
      'recsys',
      '--role',
      'viewer',
      '--tenant',
      'acme',
      '--tenant-claim',
      '/tenant_id',
    ],
  }),
  request: {
    method: 'POST',
    path: '/v1/recommend',
    body: { surface: 'home', k: 3, user: { user_id: 'u-1' } },
  },
  probe: (ctx, url) => ({
    spec: specFor(ctx, 'recsys', url),
    env: { RECSYS_API_KEY: ctx.apiKey!.key },
    envNote: 'RECSYS_API_KEY=<the key above>',
  }),
};

/** A fresh HMAC key per run: the demo never uses the example files' published secrets. */
const relaySecret = randomBytes(48).toString('base64');
const relay: Scenario = {
  name: 'relay',
  auth: 'HS256 JWTs signed with the base64 JWT_SIGNING_KEY, hashed API keys, admin role for admin routes',
  needsIssuer: false,
  config: 'examples/relay/authctl.toml',
  apiKey: { name: 'demo-ci', scopes: ['user'], prefix: 'rk_test' },
  service: (ctx) => {
    const env = {
      ...readDotenv(path.join(ctx.examples, 'relay', '.env.example')),
      JWT_SIGNING_KEY: relaySecret,
      ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
      RELAY_API_KEYS_FILE: ctx.apiKey!.exportFile,
    };
    return {
      args: [],
      env,
      command: `set -a; . examples/relay/.env.example; set +a; JWT_SIGNING_KEY=$(openssl rand -base64 48) RELAY_API_KEYS_FILE=${ctx.apiKey!.exportFile} PORT=0 node examples/relay/server.mjs`,
    };
  },
  token: () => ({
    options: {
      issuer: 'https://relay.example.com',
      subject: 'ada',
      audience: ['api://relay-tenant-a'],
      roles: ['admin'],
      alg: 'HS256',
      secret: Buffer.from(relaySecret, 'base64'),
    },
    flags: ['--sub', 'ada', '--role', 'admin'],
  }),
  request: { method: 'GET', path: '/admin/diagnostics' },
  probe: (ctx, url) => ({
    spec: specFor(ctx, 'relay', url),
    env: { JWT_SIGNING_KEY: relaySecret, RELAY_API_KEY: ctx.apiKey!.key },
    configFile: path.join(ctx.examples, 'relay', 'authctl.toml'),
    envNote: 'JWT_SIGNING_KEY=<same as relay> RELAY_API_KEY=<the key above>',
  }),
};

const agentflowSecret = randomBytes(48).toString('base64url');
const agentflow: Scenario = {
  name: 'agentflow',
  auth: 'agentflow.json "auth": "jwt": HS256 with JWT_SECRET_KEY; thread deletion for admins only',
  needsIssuer: false,
  config: 'examples/agentflow/authctl.toml',
  service: (ctx) => {
    const config = path.join(ctx.examples, 'agentflow', 'agentflow.json');
    return {
      args: ['--config', config],
      env: { JWT_SECRET_KEY: agentflowSecret },
      command:
        'JWT_SECRET_KEY=$(openssl rand -base64 48) PORT=0 node examples/agentflow/server.mjs --config examples/agentflow/agentflow.json',
    };
  },
  token: () => ({
    options: { subject: 'uma', alg: 'HS256', secret: new TextEncoder().encode(agentflowSecret) },
    flags: ['--sub', 'uma'],
  }),
  request: {
    method: 'POST',
    path: '/v1/graph/invoke',
    body: { messages: [{ role: 'user', content: 'hello' }], config: { thread_id: 'demo' } },
  },
  probe: (ctx, url) => ({
    spec: specFor(ctx, 'agentflow', url),
    env: { JWT_SECRET_KEY: agentflowSecret },
    configFile: path.join(ctx.examples, 'agentflow', 'authctl.toml'),
    envNote: 'JWT_SECRET_KEY=<same as agentflow>',
  }),
};

const k3: Scenario = {
  name: 'k3',
  auth: 'bearer JWT (org from org_id), SigV4 header/presigned and SigV2 query auth; suspended orgs refused',
  needsIssuer: true,
  service: (ctx) => {
    const identities = path.join(ctx.examples, 'k3', 'identities.example.json');
    const env = {
      K3_IDENTITIES_FILE: identities,
      K3_JWKS_URL: `${ctx.issuer}/jwks`,
      K3_JWT_ISSUER: ctx.issuer!,
      K3_JWT_AUDIENCE: 'k3',
    };
    return {
      args: [],
      env,
      command: `K3_IDENTITIES_FILE=examples/k3/identities.example.json K3_JWKS_URL=${ctx.issuer}/jwks K3_JWT_ISSUER=${ctx.issuer} K3_JWT_AUDIENCE=k3 PORT=0 node examples/k3/server.mjs`,
    };
  },
  token: (ctx) => ({
    options: {
      issuer: ctx.issuer,
      subject: 'alice',
      audience: ['k3'],
      claims: { org_id: 'org-acme' },
    },
    flags: ['--iss', ctx.issuer!, '--sub', 'alice', '--aud', 'k3', '--claim', 'org_id=org-acme'],
  }),
  request: { method: 'GET', path: '/_whoami' },
  probe: (ctx, url) => {
    const ids = JSON.parse(
      readFileSync(path.join(ctx.examples, 'k3', 'identities.example.json'), 'utf8'),
    ) as { access_keys: Record<string, { secret: string; org: string }> };
    const byOrg = (org: string) => Object.entries(ids.access_keys).find(([, v]) => v.org === org)!;
    const [acmeId, acme] = byOrg('org-acme');
    const [frozenId, frozen] = byOrg('org-frozen');
    return {
      spec: specFor(ctx, 'k3', url),
      env: {
        K3_ACME_AKID: acmeId,
        K3_ACME_SECRET: acme.secret,
        K3_FROZEN_AKID: frozenId,
        K3_FROZEN_SECRET: frozen.secret,
      },
      envNote:
        'K3_ACME_AKID/K3_ACME_SECRET/K3_FROZEN_AKID/K3_FROZEN_SECRET from identities.example.json',
    };
  },
};

export const SCENARIOS: Record<DemoExample, Scenario> = { datapress, recsys, relay, agentflow, k3 };
