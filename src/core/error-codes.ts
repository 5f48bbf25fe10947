import { CHECK, ENVIRONMENT, EXIT_CODES, kindOf, type ErrorKind } from './error-kinds.js';

export { EXIT_CODES, kindOf, type ErrorKind };

/**
 * The error catalogue: every code an AuthctlError can carry, with its one-line meaning. The kind (and
 * so the exit code) comes from the group a code is listed in, so a code cannot mean "usage" at one
 * throw site and "environment" at another, and a new code is a compile error until it is listed here (usage codes) or in error-kinds.ts
 * (environment and check codes, which every AuthctlError needs at run time for its kind).
 * docs/output.md ("Error codes") shows this table; test/core/error-codes.test.ts fails when they differ.
 */

/** Exit 2: usage or input error (bad flag, unreadable or unparsable file). */
const USAGE = {
  ERR_APIKEY_ALREADY_ROTATED: 'the API key was already rotated; rotate its replacement',
  ERR_APIKEY_AMBIGUOUS: 'the name matches several API keys; give the key id',
  ERR_APIKEY_ENV_PREFIX: 'the environment variable prefix for apikey export is not a valid name',
  ERR_APIKEY_EXPIRES: 'the API key expiry is not in the future',
  ERR_APIKEY_EXPORT_FORMAT: 'unknown apikey export format, or an export file of another format',
  ERR_APIKEY_FORMAT: 'the text is not an authctl API key',
  ERR_APIKEY_GRACE: 'the rotation grace period is negative',
  ERR_APIKEY_NAME: 'the API key name has characters a key name may not have',
  ERR_APIKEY_NAME_TAKEN: 'an active API key already has this name',
  ERR_APIKEY_NOT_FOUND: 'no API key with this id or name',
  ERR_APIKEY_NO_INPUT: 'no API key given (argument or stdin)',
  ERR_APIKEY_PREFIX: 'the API key prefix is not usable',
  ERR_APIKEY_REVOKED: 'a revoked API key cannot be rotated',
  ERR_APIKEY_SCOPE: 'an API key scope has characters a scope may not have',
  ERR_APIKEY_STORE_CORRUPT: 'the API key store is not valid JSON',
  ERR_APIKEY_STORE_INVALID: 'the API key store has a field of the wrong shape',
  ERR_APIKEY_STORE_UNREADABLE: 'the API key store cannot be read',
  ERR_APIKEY_STORE_VERSION: 'the API key store was written by a newer authctl',
  ERR_APIKEY_TENANT: 'the API key tenant has characters a tenant may not have',
  ERR_BAD_ARGUMENT: 'an argument is not one of the accepted values',
  ERR_BAD_CLAIM: 'a claim flag is not PATH=VALUE or not a claim name',
  ERR_BAD_DURATION: 'a duration is not a valid length of time',
  ERR_BAD_ENV: 'an AUTHCTL_* environment variable has an invalid value',
  ERR_BAD_FAULT: 'unknown issuer fault',
  ERR_BAD_FORMAT: 'unknown output format',
  ERR_BAD_ISSUER_ID: 'the issuer id cannot name a keystore directory',
  ERR_BAD_ISSUER_PATH: 'the issuer path is not usable in a URL',
  ERR_BAD_LAYOUT: 'unknown claim layout',
  ERR_BAD_NUMBER: 'a number is out of its range',
  ERR_BAD_ORIGIN: 'not a web origin (scheme, host and port)',
  ERR_BAD_OUTPUT: 'unknown output form',
  ERR_BAD_PAIR: 'a KEY=VALUE argument has no =',
  ERR_BAD_POINTER: 'a claim path is not a valid JSON pointer',
  ERR_BAD_PORT: 'a port is not 0-65535',
  ERR_BAD_STAGE: 'unknown rotation stage',
  ERR_BAD_STORE: 'the issuer store URL is not memory or redis://HOST:PORT/DB',
  ERR_BAD_TIME: 'the issuer clock would leave the representable dates',
  ERR_BAD_TIMEOUT: 'a timeout is not positive',
  ERR_BAD_URL: 'not an http(s) URL',
  ERR_BAD_VENDOR: 'unknown identity provider vendor',
  ERR_CONFIG_ENV_BOTH: 'AUTHCTL_CONFIG_INLINE and AUTHCTL_CONFIG_FILE are both set',
  ERR_CONFIG_INVALID: 'the config file has an invalid or unknown key',
  ERR_CONFIG_NOT_FOUND: 'the config file does not exist',
  ERR_CONFIG_SYNTAX: 'the config file is not valid TOML or JSON',
  ERR_CONFIG_UNREADABLE: 'the config file cannot be read',
  ERR_CONTROL_REJECTED: "the issuer's control API refused the request",
  ERR_CONTROL_TOKEN: "the issuer's control API needs (another) control token",
  ERR_CRACK_NOT_HMAC: 'only HMAC-signed tokens can be checked for a weak secret',
  ERR_DEFECT_CONFLICT: 'two token defects cannot be combined',
  ERR_DEMO_EXAMPLE: 'unknown demo example',
  ERR_EMPTY_SECRET: 'the HMAC secret is empty',
  ERR_FILE_EXISTS: 'the output file already exists',
  ERR_FLAG_NEEDS_DEFECT: 'a flag applies only together with a certain defect',
  ERR_HEADER_ALG: 'the alg header is set by the signing key, not directly',
  ERR_IDP_CLIENT_AUTH: "a client's token_endpoint_auth_method lacks the secret or keys it needs",
  ERR_IDP_CLIENT_KEYS:
    "a client's jwks is not a set of public keys, or it has both jwks and jwks_uri",
  ERR_INIT_AUDIENCE: 'config init: the audience is missing or not usable',
  ERR_INIT_CANCELLED: 'config init was cancelled; nothing was written',
  ERR_INIT_CI: 'config init: unknown CI system',
  ERR_INIT_ISSUER: 'config init: the issuer is missing or not a URL',
  ERR_INIT_MODES: 'config init: the auth modes do not fit the profile',
  ERR_INIT_POINTER: 'config init: a claim path is not a JSON pointer',
  ERR_INIT_PROFILE: 'config init: unknown profile',
  ERR_INIT_ROLES: 'config init: the role list is not usable',
  ERR_INIT_TEMPLATES_MISSING: "authctl's templates/ directory is missing",
  ERR_INIT_TENANTS: 'config init: the tenant list is not usable',
  ERR_INPUT_TOO_LARGE: 'an input file is larger than authctl reads',
  ERR_ISSUER_PATH_TAKEN: 'two issuers of the mock issuer serve the same path',
  ERR_JKU_URL_REQUIRED: 'the jku defect needs the attacker JWKS URL',
  ERR_KEYSTORE_CORRUPT: 'the keystore file is not valid JSON or has a broken key',
  ERR_KEYSTORE_TOO_NEW: 'the keystore was written by a newer authctl',
  ERR_KEYS_FILE: 'AUTHCTL_KEYS_FILE cannot be read',
  ERR_KEY_ENCRYPTED: 'the key file is encrypted with a passphrase',
  ERR_KEY_EXISTS: 'the key is already in the keystore',
  ERR_KEY_FILE: 'a key file cannot be read',
  ERR_KEY_FORMAT: 'the key file is not one PEM or JWK private key',
  ERR_KEY_INVALID: 'the private key is not usable',
  ERR_KEY_NOT_PRIVATE: 'a public key was given where a signing (private) key is needed',
  ERR_KEY_SOURCES: 'more than one key source was given',
  ERR_KEY_TOO_SMALL: 'the RSA key is shorter than JWT verifiers accept',
  ERR_KEY_UNSUPPORTED: 'the key type cannot sign JWTs',
  ERR_KID_ALG_MISMATCH: 'the key with this kid is for another algorithm',
  ERR_MISSING_ARGUMENT: 'a required argument or flag is missing',
  ERR_MISSING_SECRET: 'a confidential client needs a secret',
  ERR_NOTHING_TO_ACTIVATE: 'no published key is waiting to be activated',
  ERR_NO_KEYS: 'the keystore has no keys yet',
  ERR_NO_PUBLIC_KEY: 'an HMAC key has no public part',
  ERR_OPENAPI_INVALID: 'the OpenAPI document has the wrong shape',
  ERR_OPENAPI_SYNTAX: 'the OpenAPI document is not valid YAML or JSON',
  ERR_OPENAPI_UNREADABLE: 'the OpenAPI document cannot be read',
  ERR_OPENAPI_VERSION: 'unsupported OpenAPI or Swagger version',
  ERR_PROBE_BASELINE: 'the probe baseline file cannot be read or is not a probe baseline',
  ERR_PROBE_CREDENTIAL_ENV: 'the environment variable a probe credential reads is not set',
  ERR_PROBE_NO_SPEC: 'no probe spec given or found',
  ERR_PROBE_PRESIGNED: 'a presigned URL credential has no signature parameter',
  ERR_PROBE_ROTATION_KEYS:
    "the issuer to rotate does not hold the key the probe credential's tokens carry",
  ERR_PROBE_SPEC_INVALID: 'the probe spec has an invalid or missing key',
  ERR_PROBE_SPEC_UNREADABLE: 'the probe spec cannot be read',
  ERR_PROBE_UNKNOWN_CREDENTIAL: 'the probe spec refers to a credential it does not define',
  ERR_PROFILE_INVALID: 'the verify-config profile file has an invalid key',
  ERR_PROFILE_SYNTAX: 'the verify-config profile file is not valid TOML or JSON',
  ERR_PROFILE_UNREADABLE: 'the verify-config profile file cannot be read',
  ERR_SECRET_ENCODING: 'unknown secret encoding, or a secret not in that encoding',
  ERR_SECRET_ENV_UNSET: 'the environment variable that should hold the secret is not set',
  ERR_SECRET_FILE: 'the secret file cannot be read',
  ERR_SECRET_SOURCES: 'more than one source for the HMAC secret was given',
  ERR_SECRET_WITH_ASYMMETRIC_ALG: 'a shared secret signs only HS256/384/512',
  ERR_SIGV4_BAD_DATE: 'the signing date is not a date',
  ERR_SIGV4_BAD_EXPIRES: 'the presign lifetime is not valid',
  ERR_SIGV4_BAD_HEADER: 'a header is not NAME: VALUE',
  ERR_SIGV4_BAD_METHOD: 'not an HTTP method',
  ERR_SIGV4_BAD_REQUEST: 'the request (file, curl command or HTTP text) cannot be read',
  ERR_SIGV4_BAD_SCOPE: 'the region or service is not a valid credential scope part',
  ERR_SIGV4_BAD_URL: 'the URL cannot be signed',
  ERR_SIGV4_HEADER_TOO_LARGE: 'a request line or header is longer than authctl reads',
  ERR_SIGV4_NOT_SIGNED: 'the request carries no AWS signature',
  ERR_SIGV4_NO_CREDENTIALS: 'no AWS credentials found',
  ERR_SIGV4_NO_HOST: 'the request has no host',
  ERR_SIGV4_NO_REGION: 'no signing region given',
  ERR_SIGV4_NO_SERVICE: 'no signing service given',
  ERR_SIGV4_SEND_SCHEME: 'sending speaks HTTP(S) only',
  ERR_SIGV4_UNKNOWN_PROFILE: 'no SigV4 profile of this name in the config',
  ERR_SIGV4_UNREADABLE: 'a SigV4 input file cannot be read',
  ERR_TLS_FILE: 'a TLS certificate, key or CA file cannot be read',
  ERR_TLS_FLAGS: 'a TLS certificate was given without its key, or the other way round',
  ERR_TLS_ISSUER_URL: 'the published issuer URL is http:// while the issuer serves HTTPS',
  ERR_TLS_KEY_MISMATCH: 'the TLS private key is not the key of the certificate',
  ERR_TLS_NOT_PEM: 'a TLS certificate or key file is not PEM (or is encrypted)',
  ERR_TOKEN_ENCRYPTED: 'the token is an encrypted JWT (JWE)',
  ERR_TOKEN_MALFORMED: 'the text is not a JWT (three base64url parts of JSON)',
  ERR_UNKNOWN_ALG: 'unknown JWT algorithm',
  ERR_UNKNOWN_DEFECT: 'unknown token defect',
  ERR_UNKNOWN_KID: 'no key with this kid',
  ERR_UNKNOWN_PRESET: 'no token preset of this name in the config',
  ERR_VERIFY_BASELINE: 'the verify-config baseline cannot be read or is not one',
  ERR_VERIFY_FILE_NOT_FOUND: 'a file given to verify-config does not exist',
  ERR_VERIFY_NO_INPUT: 'no config files given or found to verify',
  ERR_VERIFY_PROFILE_MISMATCH: 'the profile does not read files of this format',
  ERR_VERIFY_UNKNOWN_FORMAT: 'the format of a file cannot be told from its name',
  ERR_VERIFY_UNKNOWN_PROFILE: 'unknown verify-config profile',
  ERR_VERIFY_UNKNOWN_RULE: 'unknown verify-config rule',
  ERR_VERIFY_UNREADABLE: 'a file given to verify-config cannot be read',
  ERR_WORDLIST_TOO_LARGE: 'the weak-secret word list has too many entries',
  ERR_WORDLIST_UNREADABLE: 'the weak-secret word list cannot be read',
  // Usage errors found by the command-line parser (commander), in authctl's code shape.
  ERR_CONFLICTING_OPTION: 'two flags that exclude each other were given',
  ERR_ERROR: 'the command line is not usable',
  ERR_EXCESS_ARGUMENTS: 'more arguments than the command takes',
  ERR_INVALID_ARGUMENT: 'a flag or argument value is not accepted',
  ERR_MISSING_MANDATORY_OPTION_VALUE: 'a required flag is missing',
  ERR_OPTION_MISSING_ARGUMENT: 'a flag is missing its value',
  ERR_SUBCOMMAND_REQUIRED: 'a command group was run without its subcommand',
  ERR_UNKNOWN_COMMAND: 'unknown command',
  ERR_UNKNOWN_OPTION: 'unknown flag',
} as const;

/**
 * Families of codes that end in the errno of a failed file operation, e.g. `ERR_WRITE_ENOSPC`,
 * `ERR_READ_EACCES` (`ERR_WRITE_FAILED` when there is no errno).
 */
const ENVIRONMENT_FAMILIES = {
  'ERR_READ_<errno>': 'a file cannot be read (the errno says why)',
  'ERR_WRITE_<errno>': 'a file cannot be written (the errno says why)',
} as const;

/** Error codes of each kind. */
export type UsageCode = keyof typeof USAGE;
export type EnvironmentCode =
  keyof typeof ENVIRONMENT | `ERR_READ_${Uppercase<string>}` | `ERR_WRITE_${Uppercase<string>}`;
export type CheckCode = keyof typeof CHECK;
/** Every code an AuthctlError can carry. */
export type ErrorCode = UsageCode | EnvironmentCode | CheckCode;
/** The codes of one kind: `CodeOfKind<'usage'>` is what `usageError` accepts. */
export type CodeOfKind<K extends ErrorKind> = {
  usage: UsageCode;
  environment: EnvironmentCode;
  check: CheckCode;
}[K];

export interface CatalogueEntry {
  /** The code, or a family such as `ERR_WRITE_<errno>`. */
  code: string;
  kind: ErrorKind;
  exitCode: number;
  meaning: string;
}

const entries = (group: Record<string, string>, kind: ErrorKind): CatalogueEntry[] =>
  Object.entries(group).map(([code, meaning]) => ({
    code,
    kind,
    exitCode: EXIT_CODES[kind],
    meaning,
  }));

/** The whole catalogue, sorted by code: what docs/output.md shows. */
export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  ...entries(USAGE, 'usage'),
  ...entries(ENVIRONMENT, 'environment'),
  ...entries(ENVIRONMENT_FAMILIES, 'environment'),
  ...entries(CHECK, 'check'),
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

/** Whether a string is a catalogued code (for codes built at run time, e.g. from commander's). */
export function isErrorCode(code: string): code is ErrorCode {
  return code in USAGE || code in ENVIRONMENT || code in CHECK || /^ERR_(READ|WRITE)_/.test(code);
}
