import { describe, expect, it } from 'vitest';
import { printable } from '../../src/core/terminal.js';

describe('printable: the one terminal escaper', () => {
  it('replaces bidi marks and Unicode line separators one for one (columns stay aligned)', () => {
    for (const ch of [
      '\u061C',
      '\u200E',
      '\u200F',
      '\u2028',
      '\u2029',
      '\u202E',
      '\u2067',
      '\u001B',
      '\u009B',
    ]) {
      const input = `a${ch}b`;
      expect(printable(input), JSON.stringify(input)).toBe('a?b');
    }
  });

  it('keeps tab, newline and ordinary non-ASCII text', () => {
    expect(printable('a\tb\nc — é 日本 🙂')).toBe('a\tb\nc — é 日本 🙂');
  });
});
