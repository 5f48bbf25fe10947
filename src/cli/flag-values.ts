// Parsers of flag values shared by several commands: the error names the flag (usageError's `where`).
import { usageError } from '../core/errors.js';

/** commander reducer for repeatable flags: `--aud a --aud b` → ['a', 'b']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--header k=v` / `--claim k=v` pairs. */
export function keyValue(value: string, where: string): [string, string] {
  const index = value.indexOf('=');
  if (index <= 0)
    throw usageError('ERR_BAD_PAIR', `"${value}" is not KEY=VALUE`, {
      where,
      hint: `write ${where} name=value`,
    });
  return [value.slice(0, index).trim(), value.slice(index + 1)];
}

/** Integer flag parser with a flag-named error. */
export function intOption(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number))
      throw usageError('ERR_BAD_NUMBER', `${flag} expects a whole number, got "${value}"`, {
        where: flag,
        hint: `e.g. ${flag} 2048`,
      });
    return number;
  };
}

/** `--bits`: an RSA modulus size verifiers accept (the same range as config `keys.rsa_bits`). */
export function rsaBitsOption(value: string): number {
  const bits = intOption('--bits')(value);
  if (bits < 2048 || bits > 8192) {
    throw usageError('ERR_BAD_NUMBER', `--bits must be between 2048 and 8192, got ${bits}`, {
      where: '--bits',
      hint: 'JWT verifiers refuse RSA keys under 2048 bits; 2048, 3072 and 4096 are usual',
    });
  }
  return bits;
}
