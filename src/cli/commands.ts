import type { Command } from 'commander';
import type { CliContext } from './context.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CommandGroup {
  /** Top-level command names this module registers. */
  names: string[];
  summary: string;
  load: () => Promise<CommandModule>;
}

/**
 * Every top-level command, loaded lazily: only the module for the command being run is imported,
 * which keeps `authctl token mint` close to the cost of starting Node.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  { names: ['token'], summary: 'mint, decode and verify JWTs (including deliberately broken ones)', load: () => import('./token.js') },
  { names: ['verify-config', 'init', 'config'], summary: 'catch auth misconfiguration (verify-config), scaffold a project (init), print the config JSON Schema (config schema)', load: () => import('./config.js') },
  { names: ['keys'], summary: "manage the mock issuer's signing keys (list, rotate, jwks, import, export)", load: () => import('./keys.js') },
  { names: ['sigv4', 'sign'], summary: 'sign AWS SigV4/SigV2 requests and presigned URLs; explain SignatureDoesNotMatch (sign = sigv4 sign)', load: () => import('./sigv4.js') },
  { names: ['idp'], summary: 'run a local mock OpenID Connect issuer and control it (rotate, fault, clock, requests)', load: () => import('./idp.js') },
  { names: ['apikey'], summary: 'create, verify, rotate, revoke and export API keys (only hashes are stored)', load: () => import('./apikey.js') },
  { names: ['probe'], summary: 'prove every endpoint answers 401/403 when it must (forged, expired, cross-tenant, wrong-role requests)', load: () => import('./probe.js') },
  { names: ['demo'], summary: 'see it all work: mock issuer + an example service, a token, calls and the probe, step by step', load: () => import('./demo.js') },
];

export function findGroup(name: string | undefined): CommandGroup | undefined {
  return name === undefined ? undefined : COMMAND_GROUPS.find((group) => group.names.includes(name));
}
