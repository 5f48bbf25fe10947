// One record of the API key store: its fields and their rules. Its own module: the store
// (store.ts) and its index (store-index.ts), which store.ts writes, both check records.
/** One stored key's fields. Times are ISO 8601 strings; null when not set. */
interface StoredApiKeyFields {
  id: string;
  name: string;
  prefix: string;
  /** SHA-256 hex of the full key. */
  hash: string;
  /** `mask(key)` at creation, e.g. `ak_test_AbCd…wXyZ`. */
  masked: string;
  last4: string;
  scopes: string[];
  tenant: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** When this key was rotated out (a successor was issued). */
  rotatedAt: string | null;
  /** Until when a rotated-out key keeps verifying. */
  graceUntil: string | null;
  revokedAt: string | null;
  /** Id of the key that replaced this one. */
  replacedBy: string | null;
  /** Id of the key this one replaced. */
  rotatedFrom: string | null;
}
/** One stored key: its fields, and any unknown ones, which are kept. */
export type StoredApiKey = StoredApiKeyFields & Record<string, unknown>;

// The record's rules, checked by hand rather than with zod: `apikey verify` is start-up bound,
// and zod's chunk alone cost it more than the rest of its work (issue #17). Each check returns what
// is wrong, naming the rule, never the value (the store holds hashes, but a field may hold anything).
type Check = (value: unknown) => string | undefined;
const isString = (value: unknown): value is string => typeof value === 'string';
const text: Check = (v) => (isString(v) ? undefined : 'must be a string');
const nonEmpty: Check = (v) => (isString(v) && v !== '' ? undefined : 'must be a non-empty string');
const nullable =
  (check: Check): Check =>
  (v) => {
    const message = v === null ? undefined : check(v);
    return message && `${message} or null`;
  };
const iso: Check = (v) =>
  isString(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an ISO 8601 time';
const sha256: Check = (v) =>
  isString(v) && /^[0-9a-f]{64}$/.test(v) ? undefined : 'must be 64 lowercase hex digits';
const strings: Check = (v) =>
  Array.isArray(v) && v.every(isString) ? undefined : 'must be an array of strings';

const RECORD: Record<keyof StoredApiKeyFields, Check> = {
  id: nonEmpty,
  name: nonEmpty,
  prefix: nonEmpty,
  hash: sha256,
  masked: text,
  last4: text,
  scopes: strings,
  tenant: nullable(text),
  createdAt: iso,
  expiresAt: nullable(iso),
  rotatedAt: nullable(iso),
  graceUntil: nullable(iso),
  revokedAt: nullable(iso),
  replacedBy: nullable(text),
  rotatedFrom: nullable(text),
};

/** What is wrong with one record (`field` and `message`), or undefined when it is a valid record. */
export function recordProblem(value: unknown): { field?: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { message: 'must be an object' };
  for (const [field, check] of Object.entries(RECORD)) {
    const message = check((value as Record<string, unknown>)[field]);
    if (message) return { field, message };
  }
  return undefined;
}
