import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Issue #19: control characters from input files must not reach the terminal through the probe's
 * messages (an ESC clears the screen or rewrites the title; a bidi override hides text). JSON specs
 * can carry them as \u escapes in keys, names and paths, which the probe quotes back.
 */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const ESC = '\\u001b[2J\\u001b]0;pwned\\u0007\\u202e';

const SPECS: Record<string, string> = {
  'unknown-key.json': `{"base_url": "http://127.0.0.1:9", "credentials": {}, "endpoints": [], "bogus${ESC}": 1}`,
  'unknown-credential.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"a": {"type": "jwt"}}, "endpoints": [{"path": "/x", "allow": ["b${ESC}"]}]}`,
  'bad-type.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"a${ESC}": {"type": "nope${ESC}"}}, "endpoints": []}`,
  'placeholder.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"a": {"type": "jwt"}}, "endpoints": [{"path": "/x/{t${ESC}}", "allow": ["a"]}]}`,
  'path.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"a${ESC}": {"type": "jwt"}}, "endpoints": [{"path": "/x${ESC}", "allow": ["a${ESC}"]}]}`,
};

describe('probe never sends control characters from a spec to the terminal', () => {
  it('in errors and the dry-run matrix, text and --json', async () => {
    const dir = tempDir('authctl-sec-terminal-');
    const home = tempDir('authctl-sec-terminal-home-');
    for (const [name, text] of Object.entries(SPECS)) writeFileSync(path.join(dir, name), text);
    const runs = Object.keys(SPECS).flatMap((name) => [
      ['probe', '--spec', name, '--dry-run'],
      ['--json', 'probe', '--spec', name, '--dry-run'],
    ]);
    await Promise.all(
      runs.map(async (args) => {
        const r = await runCli(args, { cwd: dir, env: { AUTHCTL_HOME: home } });
        const where = `authctl ${args.join(' ')} (exit ${r.code})`;
        expect([0, 2], `${where}\n${r.stdout}${r.stderr}`).toContain(r.code);
        expect(
          r.stdout + r.stderr,
          `${where}: ${JSON.stringify(r.stdout + r.stderr).slice(0, 400)}`,
        ).not.toMatch(CONTROL);
      }),
    );
  });
});
