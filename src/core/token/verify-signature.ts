import { compactVerify, importJWK, type JWK } from 'jose';
import { loadCrypto } from '../node.js';
import { algorithmsForJwk } from '../keys/material.js';
import type { DecodedToken } from './decode.js';
import { normalizeToken } from './decode.js';
import type { VerificationKeys } from './keysource.js';
import { encodingProblems, headerProblems } from './strict.js';
import { headerText } from './verify-text.js';
import type { VerifyContext, VerifyStage, VerifyTokenOptions } from './verify-types.js';

/** Reported only when they fail: a well-formed token's report stays as it was. */
export const checkEncoding: VerifyStage = ({ options, header }, report) => {
  const encoding = encodingProblems(normalizeToken(options.token));
  if (encoding.length) report.fail('encoding', 'ERR_JWS_NOT_CANONICAL', encoding.join('; '));
  const headerIssues = headerProblems(header);
  if (headerIssues.length) report.fail('header', 'ERR_JWS_CRIT', headerIssues.join('; '));
};

/** The token's alg, the allow-list (default: what the keys can verify), and whether alg is on it. */
function algorithmOf({ options, header }: VerifyContext) {
  const alg = headerText(header.alg);
  const allowed = options.algorithms ?? defaultAlgorithms(options.keys);
  const none = alg.toLowerCase() === 'none';
  return { alg, allowed, none, ok: !none && allowed.includes(alg) };
}

export const checkAlgorithm: VerifyStage = (ctx, report) => {
  const { alg, allowed, none, ok } = algorithmOf(ctx);
  if (none)
    report.fail(
      'algorithm',
      'ERR_ALG_NONE',
      `unsigned token (alg "${alg}"): alg none is never accepted`,
    );
  else if (!ok)
    report.fail('algorithm', 'ERR_ALG_NOT_ALLOWED', algorithmRefusal(alg, allowed, ctx.options));
  else report.pass('algorithm', `algorithm ${alg} is allowed`);
};

/** Checked only with an allowed algorithm (else skipped, saying why). */
export const checkSignatureStage: VerifyStage = async (ctx, report) => {
  const { alg, ok } = algorithmOf(ctx);
  if (!ok) return report.skip('signature', 'not checked: the algorithm is not allowed');
  const { keys } = ctx.options;
  const outcome = await checkSignature(normalizeToken(ctx.options.token), ctx.decoded, keys);
  report.verifiedWith = outcome.kid;
  if (!outcome.ok) return report.fail('signature', outcome.code, outcome.message);
  const key = outcome.kid ? `key ${outcome.kid}` : /^HS/.test(alg) ? 'the secret' : 'the key';
  report.pass('signature', `signature verifies with ${key} from ${keys.source}`);
};

/** Why an algorithm is refused, with the likely cause when it is a known pattern. */
function algorithmRefusal(alg: string, allowed: string[], options: VerifyTokenOptions): string {
  if (!options.algorithms && options.keys.jwks.length === 0 && options.keys.secrets.length === 0) {
    return `algorithm ${alg || '(missing)'} cannot be checked: ${options.keys.source} has no keys — wrong --home, or verify with --jwks, --discover or --secret`;
  }
  const base = `algorithm ${alg || '(missing)'} is not allowed (allowed: ${allowed.join(', ') || 'none'})`;
  if (/^HS/.test(alg) && allowed.length && allowed.every((a) => !/^HS/.test(a))) {
    return `${base}; an HMAC token checked against public keys is the algorithm-confusion forgery — or the service really uses a shared secret (then verify with --secret)`;
  }
  return base;
}

function defaultAlgorithms(keys: VerificationKeys): string[] {
  const algs = new Set<string>();
  for (const jwk of keys.jwks) for (const alg of algorithmsForJwk(jwk)) algs.add(alg);
  if (keys.secrets.length) ['HS256', 'HS384', 'HS512'].forEach((alg) => algs.add(alg));
  return [...algs];
}

interface SignatureOutcome {
  ok: boolean;
  kid?: string;
  code: string;
  message: string;
}

/** What the signing input is, for the checks that follow. */
interface Signed {
  token: string;
  decoded: DecodedToken;
  alg: string;
  kid?: string;
  keys: VerificationKeys;
  /** `; note; note` naming forgery patterns in the header, appended to every refusal. */
  suffix: string;
}

const VERIFIED = (kid?: string): SignatureOutcome => ({ ok: true, kid, code: '', message: '' });
const refused = (code: string, message: string): SignatureOutcome => ({ ok: false, code, message });

async function checkSignature(
  token: string,
  decoded: DecodedToken,
  keys: VerificationKeys,
): Promise<SignatureOutcome> {
  const alg = headerText(decoded.header.alg);
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  const notes = forgeryNotes(decoded, kid, alg, keys);
  const signed: Signed = {
    token,
    decoded,
    alg,
    kid,
    keys,
    suffix: notes.length ? `; ${notes.join('; ')}` : '',
  };
  if (!decoded.signature)
    return refused(
      'ERR_JWS_SIGNATURE_MISSING',
      `the signature is empty (header.payload. form)${signed.suffix}`,
    );
  return /^HS/.test(alg) ? checkHmac(signed) : checkPublicKey(signed);
}

/** Header patterns of known forgeries, named in the refusal so the reader knows what they hold. */
function forgeryNotes(
  decoded: DecodedToken,
  kid: string | undefined,
  alg: string,
  keys: VerificationKeys,
): string[] {
  const notes: string[] = [];
  if (decoded.header.jwk)
    notes.push(
      'the token carries its own key in a "jwk" header, which a verifier must never trust',
    );
  for (const name of ['jku', 'x5u'] as const) {
    if (decoded.header[name])
      notes.push(
        `the token points at keys under "${name}" (${headerText(decoded.header[name])}), which a verifier must never fetch`,
      );
  }
  if (kid && /\.\.|\/|['";]|--/.test(kid))
    notes.push(
      `its kid ${JSON.stringify(kid)} looks like a path or SQL (kid injection): a kid is an identifier, never a path or query`,
    );
  if (/^HS/.test(alg) && kid && keys.jwks.some((jwk) => jwk.kid === kid))
    notes.push(
      `its kid ${kid} names a public key: an HMAC keyed with a public key is the algorithm-confusion forgery`,
    );
  return notes;
}

async function checkHmac({ token, alg, kid, keys, suffix }: Signed): Promise<SignatureOutcome> {
  const candidates = keys.secrets.filter((s) => !kid || !s.kid || s.kid === kid);
  const usable = candidates.length ? candidates : keys.secrets;
  for (const { kid: secretKid, secret } of usable) {
    if (secret.length === 0) continue;
    if (await tryVerify(token, secret, alg)) return VERIFIED(secretKid);
  }
  const failed = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
  if (signedWithEmptyKey(token, alg))
    return refused(
      failed,
      `the ${alg} signature was made with an EMPTY key: a forgery, never valid${suffix}`,
    );
  if (!keys.secrets.length)
    return refused(
      failed,
      `no secret to check an ${alg} signature with in ${keys.source} — pass --secret, --secret-env or --secret-file${suffix}`,
    );
  return refused(
    failed,
    `${alg} signature does not verify with the secret from ${keys.source} — does the secret (and its encoding) match the issuer's?${suffix}`,
  );
}

async function checkPublicKey(signed: Signed): Promise<SignatureOutcome> {
  const { token, alg, kid, keys, suffix } = signed;
  const compatible = keys.jwks.filter((jwk) => algorithmsForJwk(jwk).includes(alg));
  // Keys without a kid (from a PEM file) are candidates for any token: nothing names them.
  const byKid = kid
    ? compatible.filter((jwk) => jwk.kid === kid || jwk.kid === undefined)
    : compatible;
  const early = publicKeyRefusal(signed, byKid);
  if (early) return early;
  for (const jwk of byKid) {
    const key = await importJWK(jwk as JWK, alg).catch(() => undefined);
    if (key && (await tryVerify(token, key as CryptoKey, alg))) return VERIFIED(jwk.kid);
  }
  if (byKid.length === 0)
    return refused('ERR_JWKS_NO_MATCHING_KEY', `no ${alg} key in ${keys.source}${suffix}`);
  const tried =
    kid && byKid.every((jwk) => jwk.kid === kid)
      ? `key ${kid}`
      : `any of ${byKid.length} ${alg} key${byKid.length === 1 ? '' : 's'}`;
  return refused(
    'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    `signature does not verify with ${tried}: the token was altered or signed by another key${suffix}`,
  );
}

/** Refusals decided before any verification: a kid for another algorithm, r = s = 0, an unknown kid. */
function publicKeyRefusal(
  { decoded, alg, kid, keys, suffix }: Signed,
  byKid: readonly JWK[],
): SignatureOutcome | undefined {
  const sameKid = kid ? keys.jwks.find((jwk) => jwk.kid === kid) : undefined;
  if (sameKid && byKid.length === 0)
    return refused(
      'ERR_JWKS_NO_MATCHING_KEY',
      `key ${kid} in ${keys.source} is for ${algorithmsForJwk(sameKid).join('/') || headerText(sameKid.kty)}, but the token says ${alg} — the header was altered, or the issuer signs with another algorithm${suffix}`,
    );
  if (/^ES/.test(alg) && /^A*$/.test(decoded.signature))
    return refused(
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      `the signature is all zeros (r = s = 0): the "psychic signature" forgery, CVE-2022-21449${suffix}`,
    );
  if (kid && byKid.length === 0)
    return refused(
      'ERR_JWKS_NO_MATCHING_KEY',
      `signature does not verify with any key in ${keys.source}; the token's kid ${kid} is not published — was the issuer's key rotated, or is this another issuer's token?${suffix}`,
    );
  return undefined;
}

function signedWithEmptyKey(token: string, alg: string): boolean {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  const end = token.lastIndexOf('.');
  return (
    hash !== undefined &&
    loadCrypto()
      .createHmac(hash, new Uint8Array(0))
      .update(token.slice(0, end))
      .digest('base64url') === token.slice(end + 1)
  );
}

async function tryVerify(
  token: string,
  key: CryptoKey | Uint8Array,
  alg: string,
): Promise<boolean> {
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}
