// The command that names the hot file's V8 code cache (src/cli/hot-loader.ts commandOf): real
// command words only, never what a user typed as data (file names, tokens, flag values).
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/hot-loader.js';

describe('commandOf', () => {
  it.each([
    [['token', 'mint', '--sub', 'alice'], 'token-mint'],
    [['--home', '/tmp/h', 'token', 'mint'], 'token-mint'],
    [['--config', 'ci', '--verbose', 'keys', 'list'], 'keys-list'],
    [['--json', 'sigv4', 'sign', 'https://x.example/a'], 'sigv4-sign'],
    [['probe', 'init', '--from', 'openapi.yaml'], 'probe-init'],
    [['apikey', 'verify', 'deadbeef'], 'apikey-verify'],
  ])('%j is %s', (args, expected) => expect(commandOf(args)).toBe(expected));

  it.each([
    // A flag's value (it may be a secret) or a positional argument never names the file.
    [['verify-config', '--profile', 'relay'], 'verify-config'],
    [['verify-config', 'settings'], 'verify-config'],
    [['sign', 'secretword'], 'sign'],
    [['probe', '--client-secret', 'hunter2', 'spec.yaml'], 'probe'],
    [['token', '--sub', 'alice'], 'token'],
    [['token', 'eyJhbGciOi.x.y'], 'token'],
    [['./local', 'mint'], 'none'],
    [['probe', 'staging'], 'probe'],
    [['sign', '--secret-key', 'hunter2', 'GET', 'u'], 'sign'],
    [['eyjhbgcioijiuzi1nij9'], 'none'],
    [['help', 'token'], 'none'],
    [[], 'none'],
    // A help display runs none of the command's code: its cache is not the command's.
    [['--help'], 'help'],
    [['probe', '--help'], 'help'],
    [['token', 'mint', '-h'], 'help'],
  ])('%j is %s', (args, expected) => expect(commandOf(args)).toBe(expected));
});
