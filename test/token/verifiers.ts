// Two independent verifiers (jose and fast-jwt), configured as a correct service would be.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { createVerifier } from 'fast-jwt';

export interface ServicePolicy {
  jwks: { keys: JWK[] };
  secret?: Uint8Array;
  algorithms: string[];
  issuer: string;
  audience: string;
  requiredClaims?: string[];
}

export type Outcome =
  { ok: true; payload: Record<string, unknown> } | { ok: false; code: string; detail?: string };

export async function verifyWithJose(token: string, policy: ServicePolicy): Promise<Outcome> {
  try {
    const key = policy.secret ?? createLocalJWKSet(policy.jwks);
    const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
      algorithms: policy.algorithms,
      issuer: policy.issuer,
      audience: policy.audience,
      requiredClaims: ['exp', ...(policy.requiredClaims ?? [])],
    });
    return { ok: true, payload: payload as Record<string, unknown> };
  } catch (error) {
    const e = error as { code?: string; claim?: string };
    return { ok: false, code: String(e.code), detail: e.claim };
  }
}

export async function verifyWithFastJwt(token: string, policy: ServicePolicy): Promise<Outcome> {
  const verify = createVerifier({
    algorithms: policy.algorithms as never,
    allowedIss: policy.issuer,
    allowedAud: policy.audience,
    requiredClaims: ['exp', ...(policy.requiredClaims ?? [])],
    // An async key resolver makes fast-jwt's verifier async (it returns a promise).
    key: async (decoded: { header: { kid?: string } }) => {
      if (policy.secret) return Buffer.from(policy.secret);
      // Like many services: look the kid up, or use the first key when the token names none.
      const jwk =
        decoded.header.kid === undefined
          ? policy.jwks.keys[0]
          : policy.jwks.keys.find((k) => k.kid === decoded.header.kid);
      if (!jwk) throw new Error(`no key ${decoded.header.kid}`);
      return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      }) as string;
    },
    complete: false,
  } as never) as unknown as (token: string) => Promise<Record<string, unknown>>;
  try {
    return { ok: true, payload: await verify(token) };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, code: String(e.code), detail: e.message };
  }
}
