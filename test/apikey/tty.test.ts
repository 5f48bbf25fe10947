import { PassThrough, Readable } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliContext, type GlobalOptions } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { API_KEY_PATTERN, readApiKeyStore } from '../../src/core/apikey/index.js';
import { tempDir } from '../helpers/cli.js';

(globalThis as Record<string, unknown>).__AUTHCTL_VERSION__ = '0.0.0-test';

/** Runs the CLI in-process with stdout claiming to be a terminal. */
async function runOnTTY(args: string[], cwd: string) {
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const globals: GlobalOptions = {
    json: args.includes('--json'),
    quiet: false,
    verbose: false,
    color: false,
  };
  const ctx = new CliContext(
    globals,
    { stdout, stderr, stdin: Readable.from([]) },
    { NO_COLOR: '1' },
    cwd,
  );
  const code = await run(ctx, args);
  return { code, stdout: out, stderr: err };
}

describe('show once on a terminal', () => {
  it('create boxes the key with "copy it now, it will not be shown again"', async () => {
    const dir = tempDir('authctl-apikey-tty-');
    const store = path.join(dir, 'keys.json');
    const result = await runOnTTY(['apikey', 'create', '--name', 'laptop', '--store', store], dir);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^┌─+┐$/);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    expect(lines.every((l) => l.length === lines[0]!.length)).toBe(true);
    const key = lines.map((l) => l.slice(2, -2).trim()).find((l) => API_KEY_PATTERN.test(l));
    expect(key).toBeDefined();
    expect(result.stdout).toContain('Copy it now: it will not be shown again.');
    const [record] = (await readApiKeyStore(store)).keys;
    expect(result.stdout).toContain(`created API key laptop (${record!.id})`);
    // --json on a terminal is still one JSON document.
    const json = await runOnTTY(['apikey', 'rotate', 'laptop', '--store', store, '--json'], dir);
    expect(JSON.parse(json.stdout).key).toMatch(API_KEY_PATTERN);
  });
});
