import { describe, expect, it } from 'vitest';
import { verifyText } from '../../src/core/verify/verify.js';

/**
 * Issue #17: a table with many keys is looked up through an index by first segment, a small one
 * scanned in place. Both must find what a scan in document order finds: the first spelling of a
 * case-insensitive key, wherever it sits among the others.
 */
const check = async (scheme: Record<string, unknown>) =>
  (
    await verifyText({
      file: 'appsettings.json',
      text: JSON.stringify({ Authentication: { Schemes: { Bearer: scheme } } }, null, 2),
      profile: 'aspnet-jwt-bearer',
    })
  ).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);

/** `count` keys no profile declares, to push a scheme past the size that is scanned in place. */
const filler = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`Extra${i}`, i]));

describe('profile engine: large tables (aspnet-jwt-bearer)', () => {
  for (const size of [0, 40]) {
    it(`${size} other keys: the first of two spellings is the one read, wherever the keys sit`, async () => {
      const scheme = {
        ...filler(size),
        AUTHORITY: 'http://first.example.com',
        ...filler(size),
        Authority: 'https://second.example.com',
        ValidAudience: 'api://orders',
      };
      // Line of AUTHORITY: `{`, `"Authentication": {`, `"Schemes": {`, `"Bearer": {`, then the fillers.
      expect(await check(scheme)).toEqual([`auth/insecure-issuer@${5 + size}:22`]);
    });

    it(`${size} other keys: a key after all of them is found, one that is absent is reported`, async () => {
      expect(await check({ ...filler(size), ValidAudience: 'api://orders' })).toEqual([
        'aspnet/issuer-not-validated@4:7',
      ]);
      expect(
        await check({ ...filler(size), Authority: 'https://idp.example.com', Audience: '' }),
      ).toEqual([`auth/audience-empty@${6 + size}:21`]);
    });
  }
});
