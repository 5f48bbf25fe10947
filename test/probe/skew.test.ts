// The clock-skew search (core/probe/skew.ts) against a verifier that is jose itself: real tokens
// minted from a keystore, checked with jwtVerify and a clockTolerance, answered 200 or 401. The
// run-level behaviour (endpoints side by side, a router with its own leeway) is in services.test.ts.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import type { ProbeCase } from '../../src/core/probe/case-types.js';
import type { JwtTemplate } from '../../src/core/probe/credential-types.js';
import type { ProbeRequest } from '../../src/core/probe/http.js';
import { measureSkew } from '../../src/core/probe/skew.js';
import type { ProbeResult } from '../../src/core/probe/runner.js';
import { skewNotes } from '../../src/core/report/probe.js';
import { mintToken } from '../../src/core/token/mint.js';
import { tempDir } from '../helpers/cli.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'api://skew';
let keystore: Keystore;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  keystore = new Keystore({ dir: tempDir('authctl-skew-') });
  await keystore.signingKey('RS256');
  jwks = createLocalJWKSet(await keystore.jwks());
});

const template: JwtTemplate = {
  issuer: ISSUER,
  audience: [AUDIENCE],
  subject: 'alice',
  alg: 'RS256',
  claims: {},
  header: {},
  mapping: {},
  signable: true,
  origin: 'spec',
};

const target = {
  endpoint: { id: 'GET /orders', exclude: [] },
  id: 'allow:reader',
  check: 'allow',
  title: 'reader gets in',
  control: true,
  credential: 'reader',
  outcome: 'success',
  statuses: [],
  tokenPresented: true,
  scheme: 'bearer',
  request: { method: 'GET', path: '/orders', headers: {} },
  secrets: [],
} as unknown as ProbeCase;

/** A service whose verifier has `leeway` seconds of clock tolerance. */
function service(leeway: number) {
  return async (request: ProbeRequest) => {
    const token = request.headers.Authorization!.slice('Bearer '.length);
    try {
      await jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE, clockTolerance: leeway });
      return { status: 200, headers: {}, body: '', ms: 1 };
    } catch {
      return { status: 401, headers: {}, body: '', ms: 1 };
    }
  };
}

function measure(leeway: number, hint?: number) {
  return measureSkew({
    target,
    template,
    mint: (options) => mintToken({ ...options, keystore }).then((r) => r.token),
    send: service(leeway),
    baseUrl: 'http://127.0.0.1:1',
    hint:
      hint === undefined ? undefined : Promise.resolve({ seconds: hint, endpoint: 'GET /first' }),
  });
}

describe('measureSkew', () => {
  it('bisects without a hint: jose with a 30 s tolerance accepts up to 29 s past exp', async () => {
    const skew = await measure(30);
    expect(skew.toleratedSeconds).toBeGreaterThanOrEqual(28);
    expect(skew.toleratedSeconds).toBeLessThanOrEqual(30);
    expect(skew.atLeast).toBe(false);
    expect(skew.requests).toBeGreaterThanOrEqual(10);
  });

  it('confirms a right hint in two requests, with the bisection’s answer', async () => {
    const bisected = await measure(30);
    const hinted = await measure(30, bisected.toleratedSeconds);
    // A second boundary crossed between minting and checking makes a token look a second older:
    // the hint is then refused and the search goes on below it, so the answer stays right.
    expect(Math.abs(hinted.toleratedSeconds - bisected.toleratedSeconds)).toBeLessThanOrEqual(1);
    expect(hinted.requests).toBeLessThan(bisected.requests);
    if (hinted.toleratedSeconds === bisected.toleratedSeconds) {
      expect(hinted.requests).toBe(2);
      expect(hinted.confirmedFrom).toBe('GET /first');
      // The text report names the endpoint it confirmed instead of a search it did not run.
      const [line] = skewNotes({ skews: [hinted] } as unknown as ProbeResult);
      expect(line).toMatch(
        /^clock skew: GET \/orders accepts tokens up to \d+s past exp \(2 requests, as GET \/first\)$/,
      );
    }
    expect(bisected.confirmedFrom).toBeUndefined();
  });

  it('a hint a second off costs at most one more request', async () => {
    // jose with a 30 s tolerance accepts 29 s past exp: 30 is refused, then 29 accepted.
    const over = await measure(30, 30);
    expect(over.toleratedSeconds).toBeGreaterThanOrEqual(28);
    expect(over.toleratedSeconds).toBeLessThanOrEqual(29);
    expect(over.requests).toBeLessThanOrEqual(3);
    const under = await measure(30, 28);
    expect(under.toleratedSeconds).toBeGreaterThanOrEqual(28);
    expect(under.toleratedSeconds).toBeLessThanOrEqual(29);
    expect(under.requests).toBeLessThanOrEqual(3);
  });

  it('a wrong hint costs a few requests, never the answer', async () => {
    const lower = await measure(400, 29);
    expect(lower.toleratedSeconds).toBeGreaterThanOrEqual(398);
    expect(lower.toleratedSeconds).toBeLessThanOrEqual(400);
    // Above the 300 s warning threshold: a finding with a curl line for the accepted token.
    expect(lower.finding?.rule).toBe('probe/clock-skew');
    // Settled by a bisection, not by the hint: not reported as confirming it.
    expect(lower.confirmedFrom).toBeUndefined();
    const higher = await measure(30, 399);
    expect(higher.toleratedSeconds).toBeGreaterThanOrEqual(28);
    expect(higher.toleratedSeconds).toBeLessThanOrEqual(30);
    expect(higher.finding).toBeUndefined();
  });

  it('a strict verifier: one request with the hint 0, two without', async () => {
    expect(await measure(0, 0)).toMatchObject({ toleratedSeconds: 0, requests: 1 });
    expect(await measure(0)).toMatchObject({ toleratedSeconds: 0, requests: 2 });
  });

  it('a verifier past the upper bound is reported as at least 600 s, hint or not', async () => {
    expect(await measure(3600)).toMatchObject({
      toleratedSeconds: 600,
      atLeast: true,
      requests: 1,
    });
    // 29, 30 and 31 s accepted (the hint and a second or two over it), then the bound.
    const hinted = await measure(3600, 29);
    expect(hinted).toMatchObject({ toleratedSeconds: 600, atLeast: true });
    expect(hinted.requests).toBe(4);
  });
});
