import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/apikey/crc32.js';

// The checksum of every key ever issued was zlib.crc32's: the JavaScript one must agree byte for byte.
describe('crc32', () => {
  it('is zlib.crc32 on empty, known and random inputs', () => {
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(i);
      expect(crc32(bytes)).toBe(zlibCrc32(bytes) >>> 0);
    }
  });
});
