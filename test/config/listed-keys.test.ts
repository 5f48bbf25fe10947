import { afterEach, describe, expect, it } from 'vitest';
import { redactSecrets, registerSecretsIn } from '../../src/core/mask.js';
import {
  holdsListedKeys,
  ownKeysOf,
  rememberKeys,
  withListedKeys,
} from '../../src/core/table-keys.js';
import { verifyText } from '../../src/core/verify/verify.js';

// A dense file's largest table is listed once per check (the secret walk's list serves the path
// walk) and the list is dropped when the check ends: nothing keeps the document alive after it.
const schemes = (n: number, bad?: number) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `Scheme${i}`,
      {
        Authority:
          i === bad ? 'http://login.example.com/t' : `https://login.example.com/t${i}/v2.0`,
        ValidAudiences: [`api://svc-${i}`],
      },
    ]),
  );

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).ClientSecret;
});

describe('listed keys of a large table', () => {
  it('are kept only while a check runs, and only for the very table', async () => {
    const table = schemes(100);
    const other = schemes(100);
    const keys = Object.keys(table);
    rememberKeys(table, keys);
    expect(holdsListedKeys()).toBe(false); // outside a check: not kept
    await withListedKeys(async () => {
      rememberKeys(table, keys);
      expect(ownKeysOf(table)).toBe(keys);
      expect(ownKeysOf(other)).not.toBe(keys);
      expect(ownKeysOf(other)).toEqual(Object.keys(other));
    });
    expect(holdsListedKeys()).toBe(false);
    await expect(
      withListedKeys(async () => {
        rememberKeys(table, keys);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(holdsListedKeys()).toBe(false);
  });

  it('verifyText finds the one bad scheme of a dense file and keeps no list after it', async () => {
    const text = JSON.stringify({ Authentication: { Schemes: schemes(2000, 1234) } }, null, 2);
    const result = await verifyText({
      file: 'appsettings.json',
      text,
      profile: 'aspnet-jwt-bearer',
      target: 'production',
      online: false,
    });
    expect(result.findings.map((f) => f.rule)).toContain('auth/insecure-issuer');
    expect(result.findings.every((f) => f.message.includes('Scheme1234'))).toBe(true);
    expect(holdsListedKeys()).toBe(false);
  });

  it('the secret walk still registers secrets of a large table, inherited keys included', () => {
    const own = `own-secret-${'x'.repeat(12)}`;
    const table: Record<string, unknown> = schemes(100);
    table.Scheme50 = { ClientSecret: own };
    registerSecretsIn({ Authentication: { Schemes: table } });
    expect(redactSecrets(`value ${own}`)).not.toContain(own);
    const inherited = `inherited-secret-${'y'.repeat(12)}`;
    (Object.prototype as Record<string, unknown>).ClientSecret = inherited;
    registerSecretsIn(schemes(100));
    delete (Object.prototype as Record<string, unknown>).ClientSecret;
    expect(redactSecrets(`value ${inherited}`)).not.toContain(inherited);
  });
});
