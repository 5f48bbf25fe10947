// The public programmatic API: everything a test or another tool may import.
export * from './core/errors.js';
export * from './core/duration.js';
export * from './core/mask.js';
export { writeFileAtomic, ensurePrivateDir } from './core/fs/atomic.js';
export { withFileLock } from './core/fs/lock.js';
export { loadConfig, type LoadedConfig, type LoadConfigOptions } from './core/config/load.js';
export { authctlConfigSchema, type AuthctlConfig } from './core/config/schema.js';
export * from './core/apikey/index.js';
export { apikeySchema, type ApikeyConfig } from './core/config/sections/apikey.js';
