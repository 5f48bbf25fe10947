/**
 * S3 streaming uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`): each chunk is signed over the
 * previous signature, so a chunk cannot be reordered or replaced. The seed signature is the
 * request's own SigV4 signature.
 */
import { credentialScope } from './canonical.js';
import { EMPTY_SHA256, deriveSigningKey, hmacHex, sha256Hex } from './crypto.js';

export const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

export interface SignChunkOptions {
  secretAccessKey: string;
  amzDate: string;
  region: string;
  service: string;
  previousSignature: string;
}

export function chunkStringToSign(
  options: Omit<SignChunkOptions, 'secretAccessKey'>,
  chunk: string | Uint8Array,
): string {
  const scope = credentialScope(options.amzDate.slice(0, 8), options.region, options.service);
  return `AWS4-HMAC-SHA256-PAYLOAD\n${options.amzDate}\n${scope}\n${options.previousSignature}\n${EMPTY_SHA256}\n${sha256Hex(chunk)}`;
}

/** Signs one chunk of a streaming (aws-chunked) upload, chained to the previous chunk's signature. */
export function signChunk(
  options: SignChunkOptions,
  chunk: string | Uint8Array,
): { stringToSign: string; signature: string } {
  const stringToSign = chunkStringToSign(options, chunk);
  const key = deriveSigningKey(
    options.secretAccessKey,
    options.amzDate.slice(0, 8),
    options.region,
    options.service,
  );
  return { stringToSign, signature: hmacHex(key, stringToSign) };
}
