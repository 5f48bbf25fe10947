import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { PROFILE_TITLES } from '../core/verify/init-styles.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CommandGroup {
  /** Top-level command names this module registers, each with its one-line summary for `--help`. */
  commands: Record<string, string>;
  load: () => Promise<CommandModule>;
}

/**
 * Every top-level command, in the order `authctl --help` lists them, loaded lazily: only the module
 * for the command being run is imported, which keeps `authctl token mint` close to the cost of
 * starting Node.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  {
    commands: { token: 'mint, decode and verify JWTs (including deliberately broken ones)' },
    load: () => import('./token.js'),
  },
  {
    commands: {
      keys: "manage the mock issuer's signing keys (list, rotate, jwks, import, export)",
    },
    load: () => import('./keys.js'),
  },
  {
    commands: {
      idp: 'run a local mock OpenID Connect issuer and control it (rotate, fault, clock, requests)',
    },
    load: () => import('./idp.js'),
  },
  {
    commands: {
      'verify-config':
        // From the profile registry: a new profile file is named here without touching this file.
        `catch auth misconfiguration in service config: ${PROFILE_TITLES.join(', ')}, or a profile file`,
      init: 'scaffold authctl.toml, a service auth block, .env.example, a probe spec and a CI workflow',
      config: "authctl config schema: the JSON Schema of authctl's config",
    },
    load: () => import('./config.js'),
  },
  {
    commands: {
      apikey: 'create, verify, rotate, revoke and export API keys (only hashes are stored)',
    },
    load: () => import('./apikey.js'),
  },
  {
    commands: {
      sign: 'sign a request with AWS SigV4 (short for `authctl sigv4 sign`)',
      sigv4: 'sign, presign and verify AWS SigV4/SigV2 requests; explain SignatureDoesNotMatch',
    },
    load: () => import('./sigv4.js'),
  },
  {
    commands: {
      probe:
        'prove every endpoint answers 401/403 when it must (forged, expired, cross-tenant, wrong-role requests)',
    },
    load: () => import('./probe.js'),
  },
  {
    commands: {
      demo: 'see it all work: mock issuer + an example service, a token, calls and the probe, step by step',
    },
    load: () => import('./demo.js'),
  },
];

export function findGroup(name: string | undefined): CommandGroup | undefined {
  return name === undefined
    ? undefined
    : COMMAND_GROUPS.find((group) => Object.hasOwn(group.commands, name));
}
