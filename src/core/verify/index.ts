// verify-config and init: the public surface of src/core/verify.
export {
  verifyConfig,
  verifyText,
  detectProfile,
  type VerifyConfigOptions,
  type VerifyConfigResult,
  type VerifyTextOptions,
  type VerifyTextResult,
  type CheckedFile,
} from './verify.js';
export {
  PROFILES,
  TARGETS,
  formatPath,
  type Finding,
  type Severity,
  type Target,
  type Profile,
  type Position,
  type SourceMap,
  type KeyPath,
} from './types.js';
export { RULES, severityFor, type RuleId, type RuleSpec } from './rules.js';
export { parseDocument, kindOf, type ConfigDocument, type DocumentKind } from './document.js';
export { locateToml } from './locate/toml.js';
export { locateJson } from './locate/json.js';
export { parseEnv, type ParsedEnv } from './locate/env.js';
export { locate } from './locate/offsets.js';
export { runOnlineChecks, type OnlineOptions, type OnlineOutcome } from './online.js';
export { looksLikePlaceholder, hmacMinBytes, isLoopbackHost, isJsonPointer } from './common.js';
export { configJsonSchema } from './schema.js';
export {
  planInit,
  writeInit,
  INIT_DEFAULTS,
  type InitOptions,
  type InitResult,
  type PlannedFile,
} from './init.js';
