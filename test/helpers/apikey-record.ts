import type { StoredApiKey } from '../../src/core/apikey/store.js';

/**
 * A stored API key record as authctl writes one, every field valid: `hash` is the caller's (the
 * record is found by it), the rest plain defaults the caller may override. For stores written
 * straight to disk in tests (large ones: creating each key through authctl would take minutes).
 */
export function storedRecord(
  hash: string,
  { id, name, ...fields }: Partial<StoredApiKey> & { id: string; name: string },
): StoredApiKey {
  return {
    // id and name first, as authctl writes a record.
    id,
    name,
    prefix: 'ak_test',
    hash,
    masked: '',
    last4: '0000',
    scopes: [],
    tenant: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    rotatedAt: null,
    graceUntil: null,
    revokedAt: null,
    replacedBy: null,
    rotatedFrom: null,
    ...fields,
  };
}
