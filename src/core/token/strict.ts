/**
 * Rules a JWS must follow before its signature means anything: each segment in the one canonical
 * base64url spelling of its bytes (otherwise the same token has many strings, which defeats replay
 * caches keyed on the token), and a `crit` / `b64` header this verifier understands (RFC 7515
 * §4.1.11, RFC 7797 §6). Each problem is returned in words; verify turns them into failed checks.
 */

const SEGMENTS = ['header', 'payload', 'signature'] as const;

/** Why a segment is not canonical base64url, or undefined when it is. */
export function nonCanonicalReason(segment: string): string | undefined {
  // Re-encoding the decoded bytes gives the one canonical spelling: Buffer skips padding and
  // non-alphabet characters and drops non-zero unused trailing bits, so any other spelling differs.
  if (Buffer.from(segment, 'base64url').toString('base64url') === segment) return undefined;
  if (/=/.test(segment)) return 'has "=" padding (JWS base64url has none, RFC 7515 §2)';
  if (/[^A-Za-z0-9_-]/.test(segment)) return 'has characters outside the base64url alphabet';
  if (segment.length % 4 === 1)
    return 'has a length no base64url encoding can have (one character too many)';
  return 'has non-zero unused bits in its last character (the same bytes have another spelling)';
}

/** One message per non-canonical segment of a compact token. */
export function encodingProblems(token: string): string[] {
  const parts = token.split('.');
  const problems: string[] = [];
  parts.slice(0, 3).forEach((segment, i) => {
    const reason = nonCanonicalReason(segment);
    if (reason)
      problems.push(
        `the ${SEGMENTS[i]} ${reason}: a non-canonical encoding makes the token string malleable`,
      );
  });
  return problems;
}

/**
 * Header parameters RFC 7515 and JWA define for JWS (and RFC 7516 for JWE): `crit` must not name
 * them (§4.1.11), since every implementation already understands them.
 */
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
]);
/** Extensions this verifier understands: only `b64` (RFC 7797), and only with its default value. */
const UNDERSTOOD = new Set(['b64']);

/** What is wrong with the header's `crit` and `b64` parameters (empty when nothing is). */
export function headerProblems(header: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const has = (name: string) => Object.prototype.hasOwnProperty.call(header, name);
  const crit = has('crit') ? header.crit : undefined;
  const critNames =
    Array.isArray(crit) && crit.every((n) => typeof n === 'string')
      ? (crit as string[])
      : undefined;
  if (has('crit')) {
    if (!critNames)
      problems.push('"crit" must be an array of header parameter names (RFC 7515 §4.1.11)');
    else if (critNames.length === 0)
      problems.push('"crit" is an empty list, which RFC 7515 §4.1.11 forbids');
    else {
      const seen = new Set<string>();
      for (const name of critNames) {
        const shown = JSON.stringify(name);
        if (seen.has(name)) problems.push(`"crit" names ${shown} twice`);
        else if (REGISTERED.has(name))
          problems.push(
            `"crit" names ${shown}, a header parameter RFC 7515 defines (crit may only name extensions)`,
          );
        else if (!has(name)) problems.push(`"crit" names ${shown}, which is not in the header`);
        else if (!UNDERSTOOD.has(name))
          problems.push(
            `"crit" names ${shown}, an extension this verifier does not understand: a recipient must reject it`,
          );
        seen.add(name);
      }
    }
  }
  if (has('b64')) {
    if (typeof header.b64 !== 'boolean') problems.push('"b64" must be true or false (RFC 7797 §3)');
    else if (!critNames?.includes('b64'))
      problems.push('"b64" is present but "crit" does not list it, which RFC 7797 §6 requires');
    if (header.b64 === false) {
      problems.push(
        '"b64": false (an unencoded payload) is not allowed for a JWT: the claims must be base64url-encoded JSON, and a reader that decodes the signed text sees claims nobody signed',
      );
    }
  }
  return problems;
}
