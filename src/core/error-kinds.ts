/**
 * The kind (and so the exit code) of an error code, split from the catalogue's usage codes
 * (error-codes.ts) because every AuthctlError needs it: its environment and check codes are few,
 * and a code in neither is a usage error, so the 150 usage codes and their meanings (~8 kB) stay
 * out of the hot bundle (dist/cli/main.js) that `token mint` loads. The catalogue lists these groups
 * with the usage codes; this is where environment and check codes are added.
 */

export type ErrorKind =
  /** 1: the check ran and found problems (invalid config, token rejected, probe finding). */
  | 'check'
  /** 2: usage or input error (bad flag, unreadable or unparsable file). */
  | 'usage'
  /** 3: environment or network error (port in use, issuer unreachable, lock timeout). */
  | 'environment';

/** Exit codes by kind (docs/output.md). */
export const EXIT_CODES = { ok: 0, check: 1, usage: 2, environment: 3 } as const;

/** Exit 3: environment or network error (port in use, issuer unreachable, lock timeout). */
export const ENVIRONMENT = {
  ERR_CONTROL_DISABLED: 'the issuer runs without its control API',
  ERR_DEMO_NO_EXAMPLES: "the demo's example services are missing",
  ERR_DEMO_NO_PACKAGE: 'the authctl package root cannot be found',
  ERR_DEMO_SERVICE: 'a demo example service did not start',
  ERR_DISCOVERY_INVALID: 'the discovery document has no jwks_uri',
  ERR_FETCH_FAILED: 'a URL (JWKS, discovery) cannot be fetched',
  ERR_FETCH_NOT_JSON: 'a fetched document is not JSON',
  ERR_FETCH_STATUS: 'a fetched URL answered an HTTP error status',
  ERR_HOME_NOT_WRITABLE: 'the keystore directory is not writable by its owner',
  ERR_ISSUER_UNREACHABLE: "the issuer's control API cannot be reached",
  ERR_JWKS_INVALID: 'the JWKS document has no keys array',
  ERR_KEYSTORE_UNREADABLE: 'the keystore cannot be read',
  ERR_KEYSTORE_WRITE: 'the keystore cannot be written',
  ERR_LISTEN: 'the issuer cannot listen on the host and port',
  ERR_LOCK_TIMEOUT: 'timed out waiting for a lock file another authctl holds',
  ERR_PORT_IN_USE: 'the port is already in use',
  ERR_PROBE_CONTROL_FAILED: 'the probe control requests failed: no verdict on the rest',
  ERR_PROBE_CREDENTIAL_IDP: 'a probe credential cannot get its token from the issuer',
  ERR_PROBE_JKU_SERVER: "the probe's attacker JWKS server cannot start",
  ERR_PROBE_PRESIGN_COMMAND: 'the presign command of a probe credential failed',
  ERR_PROBE_ROTATION_UNCHANGED: "the issuer rotated but the credential's tokens kept the old key",
  ERR_PROBE_UNREACHABLE: 'the service did not answer in time',
  ERR_READY_FILE: 'the ready file cannot be written',
  ERR_SIGV4_SEND_FAILED: 'sending the signed request failed',
  ERR_STORE_UNREACHABLE: "the issuer's store (Redis) cannot be reached",
  ERR_TLS_CA_BROKEN: 'the local CA of `idp serve --tls` is not usable',
  ERR_UNEXPECTED: 'an unexpected failure (run with --verbose for details)',
} as const;

/** Exit 1: the check ran and found problems. */
export const CHECK = {
  ERR_DEMO_STEP_FAILED: 'a demo example did not behave as expected',
} as const;

/** The kind of a code; a code outside the catalogue (only possible through a cast) is usage. */
export function kindOf(code: string): ErrorKind {
  if (code in ENVIRONMENT || /^ERR_(READ|WRITE)_/.test(code)) return 'environment';
  if (code in CHECK) return 'check';
  return 'usage';
}
