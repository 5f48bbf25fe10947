import { describe, expect, it } from 'vitest';
import { jsonErrorLocation } from '../../src/core/config/position.js';
import { parseJson } from '../../src/core/config/toml.js';

function locate(text: string) {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorLocation(error, text);
  }
  throw new Error('expected a syntax error');
}

describe('jsonErrorLocation (every JSON reader: config, keystore, API key store, verify-config)', () => {
  it('finds line and column even when the message has no position, and never quotes the input', () => {
    const text = '{\n  "sigv4": {"ci": {"secret_access_key": SECRETVALUE}}\n}';
    const found = locate(text);
    expect(found).toEqual({ reason: "Unexpected token 'S'", line: 2, column: 41 });
    expect(text.split('\n')[1]![40]).toBe('S');
  });

  it('handles a trailing comma, a truncated document and a bad value', () => {
    expect(locate('[1,2,,]')).toMatchObject({ line: 1, column: 6 });
    expect(locate('{"a": 1')).toMatchObject({ line: 1 });
    // "tru" could still become "true": the error is at the "}" that ends it.
    expect(locate('{"a": tru}')).toEqual({ reason: "Unexpected token '}'", line: 1, column: 10 });
  });

  it('the config loader reports file:line:col without the secret', () => {
    const text =
      '{\n  "token": {"issuer": "x"},\n  "sigv4": {"ci": {"secret_access_key": SECRETVALUE}}\n}';
    let thrown: { message: string; where?: string; hint?: string } | undefined;
    try {
      parseJson(text, '.authctlrc.json');
    } catch (error) {
      thrown = error as typeof thrown;
    }
    expect(thrown?.where).toBe('.authctlrc.json:3:41');
    expect(thrown?.message).not.toContain('SECRETVALUE');
  });
});
