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

/** What `authctl init --profile NAME` writes besides authctl.toml: the profile file's `init-plan`. */
export interface InitStyle {
  name: Profile;
  /** The line the wizard shows. */
  summary: string;
  /** Templates filled with the answers; `checked`: verify-config checks the file as this profile. */
  files: readonly { template: string; path: string; checked?: boolean }[];
  /** What the generated CI job passes to verify-config after authctl.toml. */
  verifyArgs: readonly string[];
  /** The probe spec template. */
  probe: string;
  /** The auth modes the wizard offers (default: jwt only). */
  modes?: readonly string[];
}

/**
 * The service styles init can write (profiles with `init`), in the order the wizard offers
 * them: the one list the CLI's --profile choices, the wizard and init's file plan read.
 */
export const INIT_STYLES: readonly InitStyle[] = [
  { name: 'authctl', summary: 'only authctl.toml', files: [], verifyArgs: [], probe: 'probe.toml' },
  {
    name: 'agentflow',
    summary: 'agentflow: agentflow.json + .env (JWT or custom)',
    files: [
      { template: 'agentflow/agentflow.json', path: 'agentflow.json', checked: true },
      { template: 'agentflow/env.example', path: '.env.example', checked: true },
    ],
    verifyArgs: ['agentflow.json'],
    probe: 'probe.toml',
    modes: ['jwt', 'custom'],
  },
  {
    name: 'datapress',
    summary: 'DataPress-style: TOML [auth] block, OIDC + JWKS',
    files: [
      { template: 'datapress/datapress.toml', path: 'datapress.toml', checked: true },
      { template: 'datapress/env.example', path: '.env.example' },
    ],
    verifyArgs: ['datapress.toml'],
    probe: 'datapress/probe.toml',
  },
  {
    name: 'recsys',
    summary: 'recsys-service: env vars (JWT, API keys, dev headers)',
    files: [{ template: 'recsys/env.example', path: '.env.example', checked: true }],
    verifyArgs: ['--env-file .env.example'],
    probe: 'probe.toml',
    modes: ['jwt', 'apikey'],
  },
  {
    name: 'relay',
    summary: 'Relay: env vars (HMAC signing key, sessions)',
    files: [{ template: 'relay/env.example', path: '.env.example', checked: true }],
    verifyArgs: [],
    probe: 'probe.toml',
  },
  {
    name: 'k3',
    summary: 'K3: env vars (bearer JWT, SigV4 via Keycloak)',
    files: [{ template: 'k3/env.example', path: '.env.example', checked: true }],
    verifyArgs: [],
    probe: 'probe.toml',
  },
];
