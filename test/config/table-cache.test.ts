import { describe, expect, it } from 'vitest';
import {
  candidates,
  scanned,
  withTableCache,
  type PathStyle,
} from '../../src/core/verify/engine/tables.js';
import { first, rootEntry } from '../../src/core/verify/engine/paths.js';

// The children of a large table are listed once per check run and dropped when it ends: a cache
// that outlived its run kept every checked document alive through young-generation collections.
const style: PathStyle = { separator: ':', keyCase: 'insensitive' };
const large = () =>
  Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Scheme${i}`, { Authority: `a${i}` }]));

describe('table cache', () => {
  it('lists a large table once during a run and forgets it when the run ends', async () => {
    const table = large();
    await withTableCache(async () => {
      const once = candidates(table, 'scheme7', style);
      expect(once.map((c) => c[0])).toEqual(['Scheme7']);
      expect(candidates(table, 'scheme7', style)).toBe(once);
      expect(scanned(table, style)).toBe(false);
    });
    expect(scanned(table, style)).toBe(true);
    // Outside a run nothing is kept, and lookups still answer.
    expect(candidates(table, '*', style)).not.toBe(candidates(table, '*', style));
    expect(first(rootEntry({ Schemes: table }), 'Schemes:Scheme39:Authority', style)?.value).toBe(
      'a39',
    );
  });

  it('keeps the cache while a run beside it is still in progress', async () => {
    const table = large();
    let finishSlow!: () => void;
    const slow = withTableCache(
      () =>
        new Promise<void>((resolve) => {
          candidates(table, 'scheme1', style);
          finishSlow = resolve;
        }),
    );
    await withTableCache(async () => {
      expect(scanned(table, style)).toBe(false);
    });
    expect(scanned(table, style)).toBe(false);
    finishSlow();
    await slow;
    expect(scanned(table, style)).toBe(true);
  });

  it('lets a run that throws end its cache too', async () => {
    const table = large();
    await expect(
      withTableCache(async () => {
        candidates(table, 'scheme2', style);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(scanned(table, style)).toBe(true);
  });
});
