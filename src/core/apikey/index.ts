// The API key feature's public API: format + checksum, hashing, the store and its lifecycle, export.
export {
  API_KEY_PATTERN,
  API_KEY_PREFIX_SOURCE,
  API_KEY_BODY_LENGTH,
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_PREFIX_MAX_LENGTH,
  BASE62_ALPHABET,
  DEFAULT_API_KEY_PREFIX,
  apiKeyChecksum,
  assertApiKeyPrefix,
  checkApiKeyFormat,
  generateApiKey,
  isValidApiKeyPrefix,
  malformApiKey,
  parseApiKey,
  type ApiKeyFormatCheck,
  type ApiKeyFormatReason,
  type MalformedApiKeyKind,
  type ParsedApiKey,
} from './format.js';
export { hashApiKey, hashesEqual } from './hash.js';
export {
  ACCEPTED_API_KEY_STATUSES,
  apiKeyInfoToJSON,
  type ApiKeyInfo,
  type ApiKeyJSON,
  type ApiKeyStatus,
} from './info.js';
export {
  API_KEY_STORE_VERSION,
  DEFAULT_API_KEY_STORE_FILE,
  parseStore as parseApiKeyStore,
  readStore as readApiKeyStore,
  type ApiKeyStoreData,
  type StoredApiKey,
} from './store.js';
export {
  createApiKey,
  getApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  type ApiKeyStoreOptions,
  type CreateApiKeyOptions,
  type CreateApiKeyResult,
  type GetApiKeyOptions,
  type RevokeApiKeyResult,
  type RotateApiKeyOptions,
  type RotateApiKeyResult,
} from './lifecycle.js';
export {
  createApiKeyVerifier,
  verifyApiKey,
  verifyApiKeyAgainst,
  type ApiKeyVerifier,
  type VerifyApiKeyOptions,
  type VerifyApiKeyReason,
  type VerifyApiKeyResult,
} from './verify.js';
export {
  API_KEY_EXPORT_FORMAT,
  API_KEY_EXPORT_VERSION,
  DEFAULT_API_KEY_ENV_PREFIX,
  DEFAULT_API_KEY_HEADER,
  buildApiKeyExport,
  createExportVerifier,
  exportApiKeys,
  renderApiKeyExportEnv,
  verifyApiKeyWithExport,
  type ApiKeyExport,
  type ExportApiKeysOptions,
} from './export.js';
