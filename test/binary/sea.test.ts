// The single-file binary (scripts/build-binary.mjs), used where there is no Node: copied alone into
// an empty directory and run with a PATH that has no `node` and no node_modules anywhere near it.
// Slow (it copies and injects a 100 MB Node binary), so it runs only with AUTHCTL_BINARY_TEST=1:
// `npm run test:binary`, its own step in .ci/run. AUTHCTL_BINARY=FILE tests an already built one.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import {
  checkIdp,
  checkIdpTls,
  checkMint,
  checkProbe,
  checkVerifyConfig,
  run,
  type Installed,
} from '../package/installed.js';

describe.skipIf(process.env.AUTHCTL_BINARY_TEST !== '1')(
  'the single-file binary, with no node on PATH',
  () => {
    let app: Installed;
    beforeAll(() => {
      let built = process.env.AUTHCTL_BINARY;
      if (!built) {
        const out = tempDir('authctl-binary-build-');
        execFileSync(
          process.execPath,
          [path.join(ROOT, 'scripts', 'build-binary.mjs'), '--out', out],
          { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        built = path.join(out, `authctl-${process.platform}-${process.arch}`);
      }
      const dir = tempDir('authctl-binary-');
      const emptyPath = path.join(dir, 'bin');
      mkdirSync(emptyPath);
      copyFileSync(built, path.join(dir, 'authctl'));
      execFileSync('chmod', ['755', path.join(dir, 'authctl')]);
      // Only PATH (empty) and HOME: nothing of this Node or this repository is reachable.
      app = {
        command: path.join(dir, 'authctl'),
        env: { PATH: emptyPath, HOME: dir },
        examples: path.join(ROOT, 'examples'),
      };
    }, 300_000);

    it('has no node to fall back on', () => {
      expect(() =>
        execFileSync('node', ['--version'], { env: app.env, stdio: 'ignore' }),
      ).toThrow();
    });

    it('--version prints the package version', async () => {
      const r = await run(app, ['--version']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
      );
    });

    it('token mint prints a JWT that verifies (jose) against the JWKS', () => checkMint(app));
    it('idp serve answers discovery and idp wait sees it', () => checkIdp(app));
    it('idp serve --tls works from the binary alone (the X.509 writer is inside)', () =>
      checkIdpTls(app));
    it('verify-config checks a config', () => checkVerifyConfig(app));
    // src/cli/tier-up.ts, as dist/cli/entry.cjs does: on the binary's own V8 11 (Node 20) the flag,
    // after the built-ins a probe run needs; on a later V8, none. The preload that records it is a
    // test instrument (test/probe/fixtures/after-flag.cjs).
    it('a probe run sets its V8 tier-up flag on V8 11 only, after the built-ins it needs', async () => {
      const dir = tempDir('authctl-binary-tier-up-');
      const spec = path.join(dir, 'probe.json');
      writeFileSync(
        spec,
        JSON.stringify({
          base_url: 'http://127.0.0.1:9',
          jwt: { issuer: 'http://127.0.0.1:9', audience: 'api://binary' },
          credentials: { reader: { type: 'jwt', sub: 'alice' } },
          endpoints: [{ path: '/a', allow: ['reader'] }],
        }),
      );
      const out = path.join(dir, 'after.json');
      const hook = path.join(ROOT, 'test', 'probe', 'fixtures', 'after-flag.cjs');
      const env = {
        AUTHCTL_HOME: dir,
        NODE_OPTIONS: `--require ${JSON.stringify(hook)}`,
        AFTER_FLAG_OUT: out,
      };
      // The keystore's first run also makes the keys (jose's WebCrypto, fs.promises): the second.
      for (let i = 0; i < 2; i++) {
        const probe = await run(app, ['probe', '--spec', spec, '--dry-run'], { cwd: dir, env });
        expect(probe.code, probe.stderr).toBe(0);
      }
      const { v8, after } = JSON.parse(readFileSync(out, 'utf8')) as {
        v8: string;
        after: string[] | null;
      };
      expect(after).toEqual(v8.startsWith('11.') ? [] : null);
    });
    // The example service is a Node script: it runs under this repository's node, the probe is the binary.
    it('probe passes against an example service', () => checkProbe(app), 90_000);
  },
);
