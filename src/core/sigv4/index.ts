/**
 * AWS Signature Version 4 (header and presigned-URL auth) and Version 2 (S3 header/query, query API),
 * plus `verifySignedRequest`, which explains why a signature does not match.
 */
export type {
  SigV4Credentials,
  SignableRequest,
  HeaderInput,
  SigV4Options,
  PresignOptions,
  SignRequestResult,
  PresignUrlResult,
  FoldedHeaderMode,
} from './types.js';
export { signRequest } from './sign.js';
export { presignUrl, MAX_PRESIGN_EXPIRES } from './presign.js';
export {
  signV2Query,
  signV2Header,
  signV2QueryApi,
  bucketFromHost,
  type SignV2QueryOptions,
  type SignV2QueryResult,
  type SignV2HeaderResult,
  type SigV2S3Options,
  type SignV2QueryApiOptions,
} from './sigv2.js';
export {
  verifySignedRequest,
  type VerifySignedRequestOptions,
  type VerifySignedRequestResult,
  type VerifyFinding as SigV4Finding,
  type VerifyStage as SigV4VerifyStage,
  type AuthScheme as SigV4AuthScheme,
} from './verify.js';
export {
  parseHttpRequest,
  parseCurlCommand,
  parsePresignedUrl,
  parseSignedRequestText,
  type ParsedHttpRequest,
} from './parse.js';
export {
  diffCanonicalRequests,
  parseServerDetails,
  type CanonicalLineDiff,
  type ServerSigningDetails,
} from './diff.js';
export { uriEncode, canonicalUri, canonicalQuery, parseQuery, type QueryPair } from './encode.js';
export { deriveSigningKey, EMPTY_SHA256 } from './crypto.js';
export { parseSigningDate, toAmzDate } from './date.js';
export { formatVerifyReport } from './report.js';
export {
  resolveCredentials as resolveSigV4Credentials,
  type CredentialSources as SigV4CredentialSources,
} from './credentials.js';
export { toCurl as signedRequestToCurl } from './curl.js';
export { sendSignedRequest, type SendRequestOptions, type SendRequestResult } from './send.js';
export { UNSIGNED_PAYLOAD } from './canonical.js';
export {
  signChunk,
  chunkStringToSign,
  STREAMING_PAYLOAD,
  type SignChunkOptions,
} from './chunked.js';
