// `authctl/token`: mint, decode and verify JWTs, the keystore they are signed with, and the
// deliberately broken tokens (defects) for negative tests.
export {
  Keystore,
  DEFAULT_GRACE_SECONDS,
  type KeystoreOptions,
  type SigningKey,
  type RotateKeysOptions,
  type RotateKeysResult,
} from '../core/keys/keystore.js';
export type { KeyRecord, KeyStatus, Keyring } from '../core/keys/keyring.js';
export { parseKeyMaterial, algorithmsForJwk, type ParsedKey } from '../core/keys/material.js';
export {
  JWT_ALGORITHMS,
  algorithmInfo,
  isHmac,
  parseAlgorithm,
  type JWTAlgorithm,
  type KeyType,
  type AlgorithmInfo,
} from '../core/keys/algorithms.js';
export {
  buildClaims,
  parseClaimAssignment,
  DEFAULT_CLAIMS_MAPPING,
  type ClaimsMapping,
  type BuildClaimsOptions,
} from '../core/token/claims.js';
export {
  mintToken,
  DEFAULT_ISSUER,
  DEFAULT_TTL_SECONDS,
  type MintTokenOptions,
  type MintTokenResult,
} from '../core/token/mint.js';
export {
  DEFECTS,
  DEFECT_KINDS,
  parseDefect,
  type DefectKind,
  type DefectInfo,
  type DefectSpec,
  type DefectOutcome,
} from '../core/token/defects.js';
export { generateAttackerKey, type AttackerKey } from '../core/token/forge.js';
export { decodeToken, type DecodedToken } from '../core/token/decode.js';
export {
  verifyToken,
  type VerifyTokenOptions,
  type VerifyTokenResult,
  type VerifyCheck,
} from '../core/token/verify.js';
export {
  keysFromKeystore,
  keysFromFile,
  keysFromJwksUrl,
  keysFromDiscovery,
  type VerificationKeys,
} from '../core/token/keysource.js';
export { resolveSecret, decodeSecret, type SecretEncoding } from '../core/token/secret.js';
export {
  resolveTokenSettings,
  mappingFromConfig,
  findPreset,
  type TokenSettings,
} from '../core/token/settings.js';
