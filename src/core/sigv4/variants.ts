/**
 * The signing mistakes that explain most `SignatureDoesNotMatch` answers (NOTES.md): verify
 * recomputes the signature under each variant and reports the first one that reproduces the
 * signature the client sent.
 */
import { UNSIGNED_PAYLOAD } from './canonical.js';
import { EMPTY_SHA256 } from './crypto.js';
import { safeDecode, type QueryPair } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import { getHeader } from './request.js';
import type { FoldedHeaderMode } from './types.js';

export interface Variant {
  method?: string;
  normalizePath?: boolean;
  doubleEncodePath?: boolean;
  payloadHash?: string;
  host?: string;
  folded?: FoldedHeaderMode;
  query?: QueryPair[];
}

export type Recompute = (variant: Variant) => {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  folded: string[];
};

export interface VariantContext {
  request: ParsedHttpRequest;
  /** Raw (still encoded) query pairs of the request. */
  query: QueryPair[];
  s3: boolean;
  /** The path rules the base computation used. */
  rules: { normalize: boolean; doubleEncode: boolean };
  presign: boolean;
  payloadHash: string;
  bodyHash: string;
  foldedHeaders: FoldedHeaderMode;
}

interface Candidate {
  name: string;
  variant: Variant;
  message: string;
}

/** The path rules: single vs double encoding, normalised or not, and both (S3 vs non-S3). */
function pathCandidates(ctx: VariantContext): Candidate[] {
  const { normalize, doubleEncode } = ctx.rules;
  return [
    {
      name: doubleEncode ? 'path-single-encoded' : 'path-double-encoded',
      variant: { doubleEncodePath: !doubleEncode },
      message: doubleEncode
        ? 'the signer URI-encoded the path only once (S3 rule) but this service encodes the wire path again (double encoding)'
        : 'the signer URI-encoded the path twice (non-S3 rule) but this service (S3 rules) encodes it once',
    },
    {
      name: normalize ? 'path-not-normalized' : 'path-normalized',
      variant: { normalizePath: !normalize },
      message: normalize
        ? 'the signer did not normalise the path (./.., //) as non-S3 services do'
        : 'the signer normalised the path (removed ./.., collapsed //) but this service signs it as sent (S3 rule)',
    },
    {
      name: doubleEncode ? 's3-rules' : 'non-s3-rules',
      variant: { doubleEncodePath: !doubleEncode, normalizePath: !normalize },
      message: doubleEncode
        ? 'the signer applied S3 path rules (no normalisation, single encoding) to a non-S3 service'
        : 'the signer applied non-S3 path rules (normalise + double-encode) to an S3 request',
    },
  ];
}

/** Another payload hash than the one signed: UNSIGNED-PAYLOAD, the body's, the empty body's. */
function payloadCandidates(ctx: VariantContext): Candidate[] {
  const signed = `${ctx.payloadHash.slice(0, 16)}${ctx.payloadHash.length > 16 ? '…' : ''}`;
  const hashes = [
    [UNSIGNED_PAYLOAD, 'UNSIGNED-PAYLOAD'],
    [ctx.bodyHash, 'the SHA-256 of the body as received'],
    [EMPTY_SHA256, 'the SHA-256 of an empty body'],
  ] as const;
  return hashes
    .filter(([hash]) => hash !== ctx.payloadHash)
    .map(([hash, what]) => ({
      name: `payload-${what}`,
      variant: { payloadHash: hash },
      message: `the signer used ${what} as the payload hash (the request's last canonical line), not ${signed}`,
    }));
}

/** Host with or without a port: added after signing, or a default port dropped on the wire. */
function hostCandidates(ctx: VariantContext): Candidate[] {
  const host = getHeader(ctx.request.headers, 'host')?.trim();
  if (!host) return [];
  const defaultPort = ctx.request.scheme === 'http' || ctx.request.scheme === 'ws' ? 80 : 443;
  const bare = host.replace(/:\d+$/, '');
  if (bare !== host)
    return [
      {
        name: 'host-without-port',
        variant: { host: bare },
        message: `the signer signed Host "${bare}" but "${host}" was sent: a port was added (or a proxy rewrote Host) after signing`,
      },
    ];
  return [...new Set([defaultPort, 443, 80])].map((port) => ({
    name: `host-with-port-${port}`,
    variant: { host: `${host}:${port}` },
    message: `the signer signed Host "${host}:${port}" but the client sent "${host}" (default ports are dropped on the wire): sign the Host that is sent`,
  }));
}

/** Folded headers joined the other way, and the query read as a form, deduplicated or token-less. */
function encodingCandidates(ctx: VariantContext): Candidate[] {
  const list: Candidate[] = [];
  if (ctx.request.headers.some(([, v]) => v.includes('\n'))) {
    const other = ctx.foldedHeaders === 'space' ? 'comma' : 'space';
    list.push({
      name: `folded-${other}`,
      variant: { folded: other },
      message: `the signer joined the lines of a folded header with ${other === 'comma' ? 'commas (2015 suite)' : 'spaces (CRT suite)'}`,
    });
  }
  if (ctx.request.query.includes('+')) {
    const plusAsSpace = ctx.query.map(([k, v]): QueryPair => [
      k.replace(/\+/g, '%20'),
      v.replace(/\+/g, '%20'),
    ]);
    list.push({
      name: 'query-plus-as-space',
      variant: { query: plusAsSpace },
      message:
        "the signer read '+' in the query as a space (form encoding); encode spaces as %20 and a plus as %2B",
    });
  }
  const names = ctx.query.map(([k]) => safeDecode(k));
  if (new Set(names).size !== names.length) {
    const firstOnly = ctx.query.filter((_, i) => names.indexOf(names[i]!) === i);
    list.push({
      name: 'query-first-value-only',
      variant: { query: firstOnly },
      message:
        'the signer kept only the first value of a repeated query parameter (aws4 does that for S3)',
    });
  }
  if (ctx.presign && names.includes('X-Amz-Security-Token')) {
    list.push({
      name: 'session-token-after-signing',
      variant: { query: ctx.query.filter((_, i) => names[i] !== 'X-Amz-Security-Token') },
      message:
        'the signer added X-Amz-Security-Token after signing (AWS IoT style); this service expects it in the signed query',
    });
  }
  return list;
}

/** Every variant tried, in the order tried (the first that reproduces the signature is reported). */
function candidates(ctx: VariantContext): Candidate[] {
  return [
    ...pathCandidates(ctx),
    ...payloadCandidates(ctx),
    ...hostCandidates(ctx),
    ...encodingCandidates(ctx),
    ...methodCandidates(ctx),
  ];
}

const METHODS = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE', 'PATCH'];

/**
 * Signed for another method: the usual reason is a presigned PUT URL checked as a GET (a URL does
 * not carry its method), where the fix is a flag, not the secret.
 */
function methodCandidates(ctx: VariantContext): Candidate[] {
  const sent = ctx.request.method;
  return METHODS.filter((m) => m !== sent).map((method) => ({
    name: 'method-differs',
    variant: { method },
    message:
      ctx.request.source === 'url'
        ? `signed for ${method}, verified as ${sent}: pass --method ${method}`
        : `signed for ${method}, but the request is sent as ${sent}: send it with the method it was signed for`,
  }));
}

export function findVariant(
  recompute: Recompute,
  provided: string,
  ctx: VariantContext,
): { variant: string; message: string } | undefined {
  for (const candidate of candidates(ctx)) {
    if (recompute(candidate.variant).signature === provided)
      return { variant: candidate.name, message: candidate.message };
  }
  return undefined;
}
