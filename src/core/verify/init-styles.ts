// No imports with code: the CLI reads this list at start-up for --profile's choices.
import type { Profile } from './types.js';

/**
 * The service styles init can write, in the order the wizard offers them: the one list the CLI's
 * --profile choices and the wizard read (each needs its templates/<name>/ files).
 */
export const INIT_STYLES: readonly { name: Profile; summary: string }[] = [
  { name: 'datapress', summary: 'DataPress-style: TOML [auth] block, OIDC + JWKS' },
  { name: 'agentflow', summary: 'agentflow: agentflow.json + .env (JWT or custom)' },
  { name: 'recsys', summary: 'recsys-service: env vars (JWT, API keys, dev headers)' },
  { name: 'relay', summary: 'Relay: env vars (HMAC signing key, sessions)' },
  { name: 'k3', summary: 'K3: env vars (bearer JWT, SigV4 via Keycloak)' },
  { name: 'authctl', summary: 'only authctl.toml' },
];
