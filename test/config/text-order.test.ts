// compareText sorts findings and rule ids as localeCompare does, without loading ICU's collator for
// the plain names most files and rules have (issue #17).
import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/core/text-order.js';

const sign = (n: number) => Math.sign(n);

describe('compareText', () => {
  it('orders as localeCompare does, plain names and others', () => {
    const names = [
      'relay/admin-password-missing',
      'relay/memory-session-store',
      'relay/signing-key-missing',
      'auth/leeway-too-large',
      'auth/leeway',
      'a.env',
      'a-b.env',
      'a/b.env',
      'a1.env',
      '.env',
      '.env.production',
      'config/ledger.yaml',
      'B.env', // not plain: localeCompare decides
      'b_c.env',
      'ä.env',
      '',
    ];
    for (const a of names)
      for (const b of names)
        expect(sign(compareText(a, b)), `${a} vs ${b}`).toBe(sign(a.localeCompare(b)));
  });
});
