/** Public types of the SigV4 / SigV2 API. */
import type { DateInput } from './date.js';
import type { QueryPair } from './encode.js';
import type { WireScheme } from './url.js';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Headers as a record (a string[] value is sent as repeated headers) or as ordered pairs. */
export type HeaderInput =
  Record<string, string | string[] | number | undefined> | ReadonlyArray<readonly [string, string]>;

/**
 * The request to sign. Either `url` (parsed without normalising the path), or `host` + `path`
 * (+ `query`), in which case the path is used exactly as given -- how the AWS test suite's
 * `.req` files are meant to be read.
 */
export interface SignableRequest {
  method?: string;
  url?: string;
  scheme?: WireScheme;
  host?: string;
  path?: string;
  /** Raw query string without `?`, or decoded pairs. */
  query?: string | QueryPair[];
  headers?: HeaderInput;
  body?: string | Uint8Array;
}

export type FoldedHeaderMode = 'space' | 'comma';

export interface SigV4Options {
  region: string;
  service: string;
  /** Signing time (default: now). */
  date?: DateInput;
  /** Remove `.`/`..`/empty path segments (default: true except for s3). */
  normalizePath?: boolean;
  /** Encode the given path again (default: true except for s3). */
  doubleEncodePath?: boolean;
  /** Sign with the literal UNSIGNED-PAYLOAD instead of the body hash. */
  unsignedPayload?: boolean;
  /** A precomputed payload hash (or STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
  payloadHash?: string;
  /** Add x-amz-content-sha256 (default: true for s3 header auth). */
  contentSha256Header?: boolean;
  /** Add the session token after computing the signature, unsigned (AWS IoT; suite post-sts-header-after). */
  sessionTokenAfterSigning?: boolean;
  /** Sign exactly these headers (lower-case names); used by verify. No ignore list applies. */
  signedHeaders?: readonly string[];
  /** Extra headers to leave unsigned (besides the hop-by-hop ones). */
  unsignedHeaders?: readonly string[];
  /** obs-fold header values: joined with a space (RFC 7230, CRT suite) or a comma (2015 suite). */
  foldedHeaders?: FoldedHeaderMode;
}

export interface PresignOptions extends SigV4Options {
  /** Lifetime in seconds, 1 .. 604800. */
  expires: number;
}

export interface SignRequestResult {
  method: string;
  url: string;
  /** Every header to send (authorization included), duplicates joined with ','. */
  headers: Record<string, string>;
  /** The same headers in sending order, repeated headers kept apart. */
  headerList: Array<[string, string]>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
  signedHeaders: string;
  credentialScope: string;
  amzDate: string;
  payloadHash: string;
  warnings: string[];
}

export interface PresignUrlResult {
  url: string;
  method: string;
  /** Headers that were signed and so must be sent with the URL (host excluded). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
  credentialScope: string;
  amzDate: string;
  expires: number;
  expiresAt: string;
  warnings: string[];
}
