// A probe run sets its V8 tier-up flag (src/cli/tier-up.ts) after loading the Node built-ins it uses:
// Node's own code cache of a built-in is made with V8's default flags, so one loaded after the flag
// is compiled from source (http and crypto: 5-7 ms instead of 1.8). Only Node 20 sets the flag.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, SCOPED_ENDPOINT, minimalSpec, writeSpec } from './fixtures/spec.js';

const HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'after-flag.cjs');
const running: RunningService[] = [];
let home = '';

beforeAll(async () => {
  home = tempDir('authctl-tier-up-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  running.push(await startJwksServer(() => keystore.jwks()));
});
afterAll(() => Promise.all(running.map((s) => s.close())));

let cache = '';
/** The built-ins `authctl ARGS` loaded after its tier-up flag was set (null: it set none). */
async function loadedAfterFlag(args: string[]): Promise<string[] | null> {
  const dir = tempDir('authctl-tier-up-run-');
  cache ||= tempDir('authctl-tier-up-cache-');
  const out = path.join(dir, 'after.json');
  const run = await runCli(args, {
    cwd: dir,
    env: {
      AUTHCTL_HOME: home,
      XDG_CACHE_HOME: cache,
      NODE_OPTIONS: `--require ${JSON.stringify(HOOK)}`,
      AFTER_FLAG_OUT: out,
    },
    timeoutMs: 60_000,
  });
  expect([0, 1], run.stderr).toContain(run.code);
  return (JSON.parse(readFileSync(out, 'utf8')) as { after: string[] | null }).after;
}

async function ordersService(): Promise<string> {
  const service = await startOrdersService({
    jwksUrl: running[0]!.url,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  running.push(service);
  return service.url;
}

/** The bench's kind of spec (bench/probe.mjs): JSON, an http:// service, JWT credentials. */
function jsonSpec(baseUrl: string): string {
  const spec = {
    base_url: baseUrl,
    jwt: { issuer: ISSUER, audience: AUDIENCE, tenant_claim: '/tid', roles_claim: '/roles' },
    credentials: {
      reader: { type: 'jwt', sub: 'alice', tenant: 'acme', roles: ['viewer'] },
      admin: { type: 'jwt', sub: 'root', tenant: 'acme', roles: ['admin'] },
    },
    endpoints: [
      { path: '/healthz', public: true },
      {
        method: 'GET',
        path: '/v1/tenants/acme/orders',
        tenant: 'acme',
        allow: ['reader', 'admin'],
      },
    ],
  };
  return writeSpec(tempDir('authctl-tier-up-spec-'), JSON.stringify(spec), 'probe.json');
}

/** What every run loads: a module that needs one of these after the flag compiles it without Node's cache. */
const CORE = ['http', '_http_client', 'net', 'crypto', 'internal/streams/readable', 'vm', 'dns'];

describe.skipIf(!process.versions.v8.startsWith('11.'))(
  'the probe’s tier-up flag (Node 20)',
  () => {
    it('comes after every built-in a run of the bench’s kind loads', async () => {
      const spec = jsonSpec(await ordersService());
      // The first run in a keystore also makes the attacker key (jose's WebCrypto, fs.promises).
      await loadedAfterFlag(['probe', '--spec', spec]);
      expect(await loadedAfterFlag(['probe', '--spec', spec])).toEqual([]);
    });

    it('comes after the core built-ins in a TOML spec’s run (later ones are what only some runs need)', async () => {
      const spec = writeSpec(
        tempDir('authctl-tier-up-spec-'),
        minimalSpec(await ordersService(), SCOPED_ENDPOINT),
      );
      const after = await loadedAfterFlag(['probe', '--spec', spec, '--json']);
      expect(after).not.toBeNull();
      for (const name of CORE) expect(after).not.toContain(`NativeModule ${name}`);
    });

    it('is set by a probe run only, global flags before the command or not', async () => {
      const spec = jsonSpec('http://127.0.0.1:9');
      expect(await loadedAfterFlag(['probe', '--spec', spec, '--dry-run'])).toEqual([]);
      expect(await loadedAfterFlag(['--home', home, 'probe', '--spec', spec, '--dry-run'])).toEqual(
        [],
      );
      expect(await loadedAfterFlag(['probe', '--help'])).toBeNull();
      expect(await loadedAfterFlag(['token', 'mint', '--sub', 'alice'])).toBeNull();
      expect(await loadedAfterFlag(['--version'])).toBeNull();
    });
  },
);
