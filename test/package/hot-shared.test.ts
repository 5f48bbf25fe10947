// The hot file's shared modules (scripts/build-hot-shared.mjs) are initialised when a cold command
// module first asks for one, not when the hot file loads: `keys list` or `sigv4 sign` never runs the
// body of token mint's module (its option table) or of the defect registry (issue #17). Observed
// through commander's Option.prototype.argParser, which token mint's option table calls for each
// repeatable flag. Needs `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const shared: string[] = JSON.parse(
  readFileSync(path.join(ROOT, 'dist-meta', 'hot-shared.json'), 'utf8'),
);

/** Runs `script` in a fresh Node with `hot` bound to dist/cli/main.cjs's exports; its stdout as JSON. */
function inFreshNode(script: string): unknown {
  const result = spawnSync(
    process.execPath,
    [
      '-e',
      `const hot = require(${JSON.stringify(path.join(ROOT, 'dist/cli/main.cjs'))});\n${script}`,
    ],
    { encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('the hot file’s shared modules', () => {
  it('are reached through __hot(i), not namespace exports made at load', () => {
    const keys = inFreshNode('console.log(JSON.stringify(Object.keys(hot).sort()))') as string[];
    expect(keys).toContain('__hot');
    expect(keys.filter((key) => /^__hot_\d+$/.test(key))).toEqual([]);
    expect(shared).toContain('src/cli/token-mint.ts');
  });

  it('run a module’s body on the first __hot(i) only, and give the same namespace after', () => {
    const i = shared.indexOf('src/cli/token-mint.ts');
    const seen = inFreshNode(`
      let calls = 0;
      const argParser = hot.Option.prototype.argParser;
      hot.Option.prototype.argParser = function (...args) { calls++; return argParser.apply(this, args); };
      const first = hot.__hot(${i});
      const afterFirst = calls;
      const again = hot.__hot(${i});
      console.log(JSON.stringify({ afterFirst, afterAgain: calls, same: first === again, mint: typeof first.mint }));
    `);
    // Token mint's table has --aud, --scope, --role, --claim, --header, --defect: repeatable flags.
    expect(seen).toMatchObject({ same: true, mint: 'object' });
    const { afterFirst, afterAgain } = seen as { afterFirst: number; afterAgain: number };
    expect(afterFirst).toBeGreaterThanOrEqual(6);
    expect(afterAgain).toBe(afterFirst);
  });
});
