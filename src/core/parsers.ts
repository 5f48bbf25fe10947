import { createRequire } from 'node:module';

/**
 * The YAML and TOML parsers, loaded on the first document of their format rather than with the
 * modules that parse it: `yaml` is 235 files for Node to resolve and evaluate, and `verify-config`
 * on a .env (or a command reading no config) needs neither. require(), because parsing stays
 * synchronous; both packages ship a CommonJS build. The single-file binary cannot require() a
 * package at run time, so scripts/build-binary.mjs replaces this module with one that does the
 * same through require() calls esbuild bundles (keep the two exports in step).
 */
const load = createRequire(import.meta.filename);

let yamlModule: typeof import('yaml') | undefined;
let tomlModule: typeof import('smol-toml') | undefined;

export const yaml = (): typeof import('yaml') =>
  (yamlModule ??= load('yaml') as typeof import('yaml'));

export const toml = (): typeof import('smol-toml') =>
  (tomlModule ??= load('smol-toml') as typeof import('smol-toml'));
