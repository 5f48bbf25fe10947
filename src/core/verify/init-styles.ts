// Generated from the profile registry by test/config/init-styles.test.ts: do not edit. After
// adding a profile file: UPDATE_GENERATED=1 npx vitest run test/config/init-styles.test.ts
// No imports: the CLI reads these lists at start-up without loading a profile.

/** Every built-in profile, in detection order (templates/profiles/*.profile.*). */
export const PROFILES = [
  'authctl',
  'agentflow',
  'datapress',
  'recsys',
  'relay',
  'k3',
  'aspnet-jwt-bearer',
  'envoy-jwt-authn',
  'hasura',
  'oauth2-proxy',
  'postgrest',
  'spring-resource-server',
] as const;
export type Profile = (typeof PROFILES)[number];

/** The services they are for, as help names them. */
export const PROFILE_TITLES: readonly string[] = [
  "authctl's own config",
  'agentflow',
  'DataPress',
  'recsys-service',
  'Relay',
  'K3',
  'ASP.NET Core JwtBearer',
  'Envoy jwt_authn filter',
  'Hasura GraphQL Engine',
  'oauth2-proxy',
  'PostgREST',
  'Spring Boot resource server',
];

/**
 * The service styles init can write (profiles with `init`, each with templates/<name>/), in the
 * order the wizard offers them: the one list the CLI's --profile choices and the wizard read.
 */
export const INIT_STYLES: readonly { name: Profile; summary: string }[] = [
  { name: 'authctl', summary: 'only authctl.toml' },
  { name: 'agentflow', summary: 'agentflow: agentflow.json + .env (JWT or custom)' },
  { name: 'datapress', summary: 'DataPress-style: TOML [auth] block, OIDC + JWKS' },
  { name: 'recsys', summary: 'recsys-service: env vars (JWT, API keys, dev headers)' },
  { name: 'relay', summary: 'Relay: env vars (HMAC signing key, sessions)' },
  { name: 'k3', summary: 'K3: env vars (bearer JWT, SigV4 via Keycloak)' },
];
