import { expect, it } from 'vitest';
import type { CodeRecord, IssuerStore, RefreshRecord } from '../../src/core/idp/store.js';

const principal = { sub: 'alice', user: 'alice', scopes: ['openid'], claims: {} };

export const codeRecord = (now: number, family = 'fam-1'): CodeRecord => ({
  clientId: 'web',
  issuerId: 'default',
  redirectUri: 'http://127.0.0.1/cb',
  principal,
  codeChallenge: 'x'.repeat(43),
  codeChallengeMethod: 'S256',
  expiresAt: now + 60_000,
  authTime: now,
  family,
});

export const refreshRecord = (now: number, family = 'fam-1'): RefreshRecord => ({
  clientId: 'web',
  issuerId: 'default',
  principal,
  expiresAt: now + 3600_000,
  family,
});

/**
 * What every IssuerStore promises, run against each implementation: single-use redemption with
 * replay detection, family revocation, revoked jtis, devices, scripts, claims, single-use values.
 * `open` gives a fresh, empty store; `now` is the clock it was built on.
 */
export function storeContract(open: () => Promise<IssuerStore>, now: () => number): void {
  it('redeems a code once; the second redemption names the family', async () => {
    const store = await open();
    const record = codeRecord(now());
    await store.putCode('c1', record);
    expect(await store.redeemCode('c1')).toEqual({ record });
    expect(await store.redeemCode('c1')).toEqual({ replayedFamily: 'fam-1' });
    expect(await store.redeemCode('never')).toBeUndefined();
  });

  it('rotates refresh tokens; revoking the family drops its tokens and access tokens', async () => {
    const store = await open();
    const record = refreshRecord(now());
    await store.putRefreshToken('r1', record);
    await store.putRefreshToken('r2', record);
    await store.putRefreshToken('other', refreshRecord(now(), 'fam-2'));
    await store.addToFamily('fam-1', 'jti-1', now() + 60_000);
    expect((await store.getRefreshToken('r1'))?.family).toBe('fam-1');
    expect(await store.redeemRefreshToken('r1')).toEqual({ record });
    expect(await store.redeemRefreshToken('r1')).toEqual({ replayedFamily: 'fam-1' });
    expect(await store.isFamilyRevoked('fam-1')).toBe(false);
    await store.revokeFamily('fam-1');
    expect(await store.isFamilyRevoked('fam-1')).toBe(true);
    expect(await store.getRefreshToken('r2')).toBeUndefined();
    expect(await store.isJtiRevoked('jti-1')).toBe(true);
    expect((await store.getRefreshToken('other'))?.family).toBe('fam-2');
    await store.revokeJti('jti-2', now() + 60_000);
    expect([await store.isJtiRevoked('jti-2'), await store.isJtiRevoked('jti-3')]).toEqual([
      true,
      false,
    ]);
  });

  it('keeps devices, finds them by user code and issuer, and saves their changes', async () => {
    const store = await open();
    const device = {
      clientId: 'tv',
      issuerId: 'default',
      userCode: 'BCDF-GHJK',
      scopes: [],
      expiresAt: now() + 600_000,
      interval: 5,
      polls: 0,
      after: 0,
    };
    await store.putDevice('d1', device);
    expect(await store.findDevice('BCDF-GHJK', 'other')).toBeUndefined();
    const found = await store.findDevice('BCDF-GHJK', 'default');
    // The user code may come back as the store's handle for it (Redis keeps no user code).
    expect(found?.record).toMatchObject({ clientId: 'tv', issuerId: 'default' });
    // As the /device page does: the change is saved under the handle findDevice gave.
    await store.putDevice(found!.code, { ...found!.record, polls: 3, outcome: 'approve' });
    expect(await store.getDevice('d1')).toMatchObject({ polls: 3, outcome: 'approve' });
    await store.deleteDevice('d1');
    expect(await store.getDevice('d1')).toBeUndefined();
    expect(await store.findDevice('BCDF-GHJK', 'default')).toBeUndefined();
  });

  it('consumes one-shot device scripts and claims, keeps sticky ones', async () => {
    const store = await open();
    expect(await store.takeDeviceScript()).toBeUndefined();
    await store.setDeviceScript({ outcome: 'approve', after: 1, sticky: false });
    expect(await store.takeDeviceScript()).toEqual({ outcome: 'approve', after: 1, sticky: false });
    expect(await store.takeDeviceScript()).toBeUndefined();
    await store.setDeviceScript({ outcome: 'slow_down', after: 0, sticky: true });
    await store.takeDeviceScript();
    expect((await store.takeDeviceScript())?.outcome).toBe('slow_down');
    await store.setClaims('client:a', { claims: { x: 1 }, sticky: false });
    await store.setClaims('user:b', { claims: { y: 2 }, sticky: true });
    expect(await store.takeClaims('client:a')).toEqual({ x: 1 });
    expect(await store.takeClaims('client:a')).toEqual({});
    expect(await store.takeClaims('user:b')).toEqual({ y: 2 });
    expect(await store.takeClaims('user:b')).toEqual({ y: 2 });
    await store.clearClaims();
    expect(await store.takeClaims('user:b')).toEqual({});
  });

  it('accepts a single-use value once per table', async () => {
    const store = await open();
    expect(await store.useOnce('assertion', 'j1', now() + 60_000)).toBe(true);
    expect(await store.useOnce('assertion', 'j1', now() + 60_000)).toBe(false);
    expect(await store.useOnce('dpop', 'j1', now() + 60_000)).toBe(true);
  });
}
