import { describe, expect, it } from 'vitest';
import {
  candidates,
  ownKeysOnly,
  scanned,
  withTableCache,
  type PathStyle,
} from '../../src/core/verify/engine/tables.js';
import { verifyText } from '../../src/core/verify/verify.js';
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

  it('caches for a synchronous run (detection) and ends it when it returns or throws', () => {
    const table = large();
    const once = withTableCache(() => {
      const list = candidates(table, 'scheme3', style);
      expect(candidates(table, 'scheme3', style)).toBe(list);
      return list;
    });
    expect(once.map((c) => c[0])).toEqual(['Scheme3']);
    expect(scanned(table, style)).toBe(true);
    expect(() =>
      withTableCache(() => {
        candidates(table, 'scheme4', style);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(scanned(table, style)).toBe(true);
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

// The quick pass skips Object.hasOwn per key only where for-in cannot yield an inherited key.
describe('ownKeysOnly', () => {
  const polluted = <T>(fn: () => T): T => {
    Object.defineProperty(Object.prototype, 'Authority', {
      value: 'http://inherited.example',
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      return fn();
    } finally {
      delete (Object.prototype as Record<string, unknown>).Authority;
    }
  };

  it('is true for plain and null-prototype tables, false for inherited enumerable keys', () => {
    expect(ownKeysOnly({ a: 1 })).toBe(true);
    expect(ownKeysOnly(Object.create(null) as object)).toBe(true);
    expect(ownKeysOnly(Object.create({ inherited: 1 }) as object)).toBe(false);
    expect(polluted(() => ownKeysOnly({ a: 1 }))).toBe(false);
  });

  it('gives the same findings with an enumerable key added to Object.prototype', async () => {
    const text = JSON.stringify({
      Authentication: {
        Schemes: Object.fromEntries(
          Array.from({ length: 30 }, (_, i) => [
            `S${i}`,
            i === 7
              ? { ValidAudiences: ['api://x'] }
              : { Authority: `https://login.example.com/t${i}/v2.0`, ValidAudiences: ['api://x'] },
          ]),
        ),
      },
    });
    const run = () =>
      verifyText({ file: 'appsettings.json', text, profile: 'aspnet-jwt-bearer', online: false });
    const clean = (await run()).findings.map((f) => `${f.rule} ${f.line}`);
    const withPollution = await polluted(() => run());
    expect(withPollution.findings.map((f) => `${f.rule} ${f.line}`)).toEqual(clean);
  });
});
